package functions

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// IP address functions. An IPv4 argument is text ("10.1.2.3", or with a CIDR
// suffix "10.1.2.3/24", which masks it) or, where Kusto allows it, the address as a
// long. An IPv6 argument is text in any IPv6 notation; IPv4 text there is the
// IPv4-mapped address ::ffff:a.b.c.d, and its suffix counts IPv4 bits (so /24 is
// /120). Where several prefixes apply (the suffixes and a prefix argument), the
// shortest wins. Text that is no address gives null.

func init() {
	ipv4 := param{desc: "an IPv4 address as a string", ok: isTextual}
	ipv4OrLong := param{desc: "an IPv4 address as a string or long", ok: func(t types.Type) bool { return isTextual(t) || isInteger(t) }}
	ipv6 := param{desc: "an IPv6 or IPv4 address as a string", ok: isTextual}
	ipList := param{desc: "an address string or a dynamic array of them", ok: isTextual}

	scalar("parse_ipv4", 1, 1, "An IPv4 address (a CIDR suffix masks it) as a long; null when it is no address",
		sig(types.Long, ipv4), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv4At(args[0], i)
			if !ok {
				return types.NullOf(types.Long)
			}
			return types.NewLong(int64(ip.masked()))
		}))
	scalar("parse_ipv4_mask", 2, 2, "An IPv4 address masked to a prefix length, as a long",
		sig(types.Long, ipv4.as("ip"), intArg.as("prefix")), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv4WithPrefix(args, i, 1)
			if !ok {
				return types.NullOf(types.Long)
			}
			return types.NewLong(int64(ip.masked()))
		}))
	scalar("format_ipv4", 1, 2, "An IPv4 address (string or long), masked to an optional prefix length, as dotted text",
		sig(types.String, ipv4OrLong.as("ip"), intArg.as("prefix")), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv4WithPrefix(args, i, 1)
			if !ok {
				return types.NewString("")
			}
			return types.NewString(ipv4Text(ip.masked()))
		}))
	scalar("format_ipv4_mask", 1, 2, "An IPv4 address (string or long) masked to an optional prefix length, as CIDR text a.b.c.d/n",
		sig(types.String, ipv4OrLong.as("ip"), intArg.as("prefix")), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv4WithPrefix(args, i, 1)
			if !ok {
				return types.NewString("")
			}
			return types.NewString(ipv4Text(ip.masked()) + "/" + strconv.Itoa(ip.prefix))
		}))
	scalar("ipv4_netmask_suffix", 1, 1, "The CIDR suffix of an IPv4 address text; 32 without one",
		sig(types.Long, ipv4), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv4At(args[0], i)
			if !ok {
				return types.NullOf(types.Long)
			}
			return types.NewLong(int64(ip.prefix))
		}))
	scalar("ipv4_is_private", 1, 1, "Whether an IPv4 address is in a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
		sig(types.Bool, ipv4), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv4At(args[0], i)
			if !ok {
				return types.NullOf(types.Bool)
			}
			a := ip.addr
			return types.NewBool(a>>24 == 10 || a>>20 == 0xac1 || a>>16 == 0xc0a8)
		}))
	scalar("ipv4_compare", 2, 3, "Compares two IPv4 addresses over their common prefix: -1, 0 or 1",
		sig(types.Long, ipv4OrLong.as("ip1"), ipv4OrLong.as("ip2"), intArg.as("prefix")), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			c, ok := ipv4Cmp(args, i)
			if !ok {
				return types.NullOf(types.Long)
			}
			return types.NewLong(int64(c))
		}))
	scalar("ipv4_is_match", 2, 3, "Whether two IPv4 addresses are equal over their common prefix",
		sig(types.Bool, ipv4OrLong.as("ip1"), ipv4OrLong.as("ip2"), intArg.as("prefix")), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			c, ok := ipv4Cmp(args, i)
			if !ok {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(c == 0)
		}))
	scalar("ipv4_is_in_range", 2, 2, "Whether an IPv4 address is in a range given as an address with an optional CIDR suffix",
		sig(types.Bool, ipv4OrLong.as("ip"), ipv4.as("range")), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			ip, ok1 := ipv4At(args[0], i)
			r, ok2 := ipv4At(args[1], i)
			if !ok1 || !ok2 {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(r.contains(ip.addr))
		}))
	scalar("ipv4_is_in_any_range", 2, -1, "Whether an IPv4 address is in any of the ranges (strings, or dynamic arrays of strings)",
		sig(types.Bool, ipv4OrLong.as("ip"), ipList.as("ranges")), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv4At(args[0], i)
			if !ok {
				return types.NullOf(types.Bool)
			}
			for _, s := range needlesAt(args[1:], i) {
				if r, ok := parseIPv4Net(s); ok && r.contains(ip.addr) {
					return types.NewBool(true)
				}
			}
			return types.NewBool(false)
		}))
	scalar("ipv4_range_to_cidr_list", 2, 2, "The shortest list of CIDR ranges that covers the addresses from start to end",
		sig(types.Dynamic, ipv4.as("start"), ipv4.as("end")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := ipv4At(args[0], i)
			b, ok2 := ipv4At(args[1], i)
			if !ok1 || !ok2 || a.addr > b.addr {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(cidrList(uint64(a.addr), uint64(b.addr)))
		}))

	scalar("parse_ipv6", 1, 1, "An IPv6 (or IPv4) address in canonical IPv6 form, eight groups of four hex digits; a suffix masks it",
		sig(types.String, ipv6), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv6At(args[0], i)
			if !ok {
				return types.NewString("")
			}
			return types.NewString(ip.masked(ip.prefix).canonical())
		}))
	scalar("parse_ipv6_mask", 2, 2, "An IPv6 (or IPv4) address masked to a prefix length, in canonical IPv6 form",
		sig(types.String, ipv6.as("ip"), intArg.as("prefix")), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv6At(args[0], i)
			p, okp := longAt(args[1], i)
			if !ok || !okp || p < 0 || p > 128 {
				return types.NewString("")
			}
			return types.NewString(ip.masked(min(ip.prefix, int(p))).canonical())
		}))
	scalar("ipv6_compare", 2, 3, "Compares two IPv6 (or IPv4) addresses over their common prefix: -1, 0 or 1",
		sig(types.Long, ipv6.as("ip1"), ipv6.as("ip2"), intArg.as("prefix")), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			c, ok := ipv6Cmp(args, i)
			if !ok {
				return types.NullOf(types.Long)
			}
			return types.NewLong(int64(c))
		}))
	scalar("ipv6_is_match", 2, 3, "Whether two IPv6 (or IPv4) addresses are equal over their common prefix",
		sig(types.Bool, ipv6.as("ip1"), ipv6.as("ip2"), intArg.as("prefix")), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			c, ok := ipv6Cmp(args, i)
			if !ok {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(c == 0)
		}))
	scalar("ipv6_is_in_range", 2, 2, "Whether an IPv6 (or IPv4) address is in a range given as an address with an optional CIDR suffix",
		sig(types.Bool, ipv6.as("ip"), ipv6.as("range")), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			ip, ok1 := ipv6At(args[0], i)
			r, ok2 := ipv6At(args[1], i)
			if !ok1 || !ok2 {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(ip.masked(r.prefix) == r.masked(r.prefix))
		}))
	scalar("ipv6_is_in_any_range", 2, -1, "Whether an IPv6 (or IPv4) address is in any of the ranges (strings, or dynamic arrays of strings)",
		sig(types.Bool, ipv6.as("ip"), ipList.as("ranges")), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			ip, ok := ipv6At(args[0], i)
			if !ok {
				return types.NullOf(types.Bool)
			}
			for _, s := range needlesAt(args[1:], i) {
				if r, ok := parseIPv6Net(s); ok && ip.masked(r.prefix) == r.masked(r.prefix) {
					return types.NewBool(true)
				}
			}
			return types.NewBool(false)
		}))

	hasIP := func(name, doc string, prefix, list bool) {
		p := textArg.as("ip")
		if prefix {
			p = textArg.as("prefix")
		}
		maxArgs := 2
		if list {
			maxArgs = -1
			p = ipList.as("ips")
		}
		scalar(name, 2, maxArgs, doc, sig(types.Bool, textArg.as("source"), p), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			return types.NewBool(hasIPv4(textAt(args[0], i), needlesAt(args[1:], i), prefix))
		}))
	}
	hasIP("has_ipv4", "Whether a text holds an IPv4 address, delimited by characters that are not letters, digits or dots", false, false)
	hasIP("has_ipv4_prefix", "Whether a text holds an IPv4 address that starts with a prefix (a whole address, or octets ending with a dot)", true, false)
	hasIP("has_any_ipv4", "Whether a text holds any of the IPv4 addresses", false, true)
	hasIP("has_any_ipv4_prefix", "Whether a text holds an IPv4 address that starts with any of the prefixes", true, true)
}

// ipv4Net is an IPv4 address with its prefix length (32 for a plain address).
type ipv4Net struct {
	addr   uint32
	prefix int
}

func ipv4Mask(prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - prefix)
}

func (n ipv4Net) masked() uint32 { return n.addr & ipv4Mask(n.prefix) }

func (n ipv4Net) contains(a uint32) bool {
	m := ipv4Mask(n.prefix)
	return a&m == n.addr&m
}

// parseIPv4 reads a dotted-quad address: four decimal octets.
func parseIPv4(s string) (uint32, bool) {
	var addr uint32
	for k := 0; k < 4; k++ {
		j := 0
		for j < len(s) && j < 4 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 0 || j > 3 {
			return 0, false
		}
		o, _ := strconv.Atoi(s[:j])
		if o > 255 {
			return 0, false
		}
		addr = addr<<8 | uint32(o)
		s = s[j:]
		if k < 3 {
			if s == "" || s[0] != '.' {
				return 0, false
			}
			s = s[1:]
		}
	}
	return addr, s == ""
}

// parseIPv4Net reads an address with an optional /prefix.
func parseIPv4Net(s string) (ipv4Net, bool) {
	s = strings.TrimSpace(s)
	prefix := 32
	if k := strings.IndexByte(s, '/'); k >= 0 {
		p, err := strconv.Atoi(strings.TrimSpace(s[k+1:]))
		if err != nil || p < 0 || p > 32 {
			return ipv4Net{}, false
		}
		prefix, s = p, strings.TrimSpace(s[:k])
	}
	a, ok := parseIPv4(s)
	return ipv4Net{a, prefix}, ok
}

// ipv4At reads row i as an IPv4 address: text, or a long in 0..2^32-1.
func ipv4At(v *vector.Vector, i int) (ipv4Net, bool) {
	if nullAt(v, i) {
		return ipv4Net{}, false
	}
	if isInteger(v.Type) {
		x := v.Ints[i]
		if x < 0 || x > 0xffffffff {
			return ipv4Net{}, false
		}
		return ipv4Net{uint32(x), 32}, true
	}
	return parseIPv4Net(textAt(v, i))
}

// ipv4WithPrefix reads the address of args[0] with the prefix argument at index
// k, when the call has it, narrowing the address's own prefix.
func ipv4WithPrefix(args []*vector.Vector, i, k int) (ipv4Net, bool) {
	ip, ok := ipv4At(args[0], i)
	if !ok {
		return ip, false
	}
	if len(args) > k {
		p, ok := longAt(args[k], i)
		if !ok || p < 0 || p > 32 {
			return ip, false
		}
		ip.prefix = min(ip.prefix, int(p))
	}
	return ip, true
}

func ipv4Cmp(args []*vector.Vector, i int) (int, bool) {
	a, ok1 := ipv4At(args[0], i)
	b, ok2 := ipv4At(args[1], i)
	if !ok1 || !ok2 {
		return 0, false
	}
	prefix := min(a.prefix, b.prefix)
	if len(args) > 2 {
		p, ok := longAt(args[2], i)
		if !ok || p < 0 || p > 32 {
			return 0, false
		}
		prefix = min(prefix, int(p))
	}
	m := ipv4Mask(prefix)
	x, y := a.addr&m, b.addr&m
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

func ipv4Text(a uint32) string {
	return fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&0xff, a>>8&0xff, a&0xff)
}

// cidrList covers lo..hi (inclusive) with the fewest aligned CIDR blocks.
func cidrList(lo, hi uint64) []any {
	out := []any{}
	for lo <= hi {
		size := 32
		for size > 0 {
			block := uint64(1) << (32 - (size - 1))
			if lo%block != 0 || lo+block-1 > hi {
				break
			}
			size--
		}
		out = append(out, ipv4Text(uint32(lo))+"/"+strconv.Itoa(size))
		lo += uint64(1) << (32 - size)
	}
	return out
}

// ipv6Net is an IPv6 address with its prefix length (128 for a plain address).
type ipv6Net struct {
	addr   [16]byte
	prefix int
}

// ipv6Addr is a 128-bit address.
type ipv6Addr [16]byte

func (n ipv6Net) masked(prefix int) ipv6Addr {
	out := ipv6Addr(n.addr)
	for b := 0; b < 16; b++ {
		keep := prefix - 8*b
		switch {
		case keep >= 8:
		case keep <= 0:
			out[b] = 0
		default:
			out[b] &= byte(0xff << (8 - keep))
		}
	}
	return out
}

func (a ipv6Addr) canonical() string {
	var b strings.Builder
	for k := 0; k < 16; k += 2 {
		if k > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02x%02x", a[k], a[k+1])
	}
	return b.String()
}

// parseIPv6Net reads an IPv6 address with an optional /prefix. IPv4 notation
// (plain, or after :: as in ::192.168.1.1) is the IPv4-mapped address, and its
// prefix counts from bit 96.
func parseIPv6Net(s string) (ipv6Net, bool) {
	s = strings.TrimSpace(s)
	prefix, hasPrefix := 0, false
	if k := strings.IndexByte(s, '/'); k >= 0 {
		p, err := strconv.Atoi(strings.TrimSpace(s[k+1:]))
		if err != nil || p < 0 {
			return ipv6Net{}, false
		}
		prefix, hasPrefix, s = p, true, strings.TrimSpace(s[:k])
	}
	if strings.IndexByte(s, '.') >= 0 {
		v4 := s
		if k := strings.LastIndexByte(s, ':'); k >= 0 {
			head := s[:k+1]
			if head != "::" && !strings.EqualFold(head, "::ffff:") && !strings.EqualFold(head, "0:0:0:0:0:ffff:") {
				return ipv6Net{}, false
			}
			v4 = s[k+1:]
		}
		a, ok := parseIPv4(v4)
		if !ok || (hasPrefix && prefix > 32) {
			return ipv6Net{}, false
		}
		n := ipv6Net{prefix: 128}
		n.addr[10], n.addr[11] = 0xff, 0xff
		n.addr[12], n.addr[13], n.addr[14], n.addr[15] = byte(a>>24), byte(a>>16), byte(a>>8), byte(a)
		if hasPrefix {
			n.prefix = 96 + prefix
		}
		return n, true
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || !addr.Is6() || addr.Zone() != "" || (hasPrefix && prefix > 128) {
		return ipv6Net{}, false
	}
	n := ipv6Net{addr: addr.As16(), prefix: 128}
	if hasPrefix {
		n.prefix = prefix
	}
	return n, true
}

func ipv6At(v *vector.Vector, i int) (ipv6Net, bool) {
	if nullAt(v, i) {
		return ipv6Net{}, false
	}
	return parseIPv6Net(textAt(v, i))
}

func ipv6Cmp(args []*vector.Vector, i int) (int, bool) {
	a, ok1 := ipv6At(args[0], i)
	b, ok2 := ipv6At(args[1], i)
	if !ok1 || !ok2 {
		return 0, false
	}
	prefix := min(a.prefix, b.prefix)
	if len(args) > 2 {
		p, ok := longAt(args[2], i)
		if !ok || p < 0 || p > 128 {
			return 0, false
		}
		prefix = min(prefix, int(p))
	}
	x, y := a.masked(prefix), b.masked(prefix)
	return strings.Compare(string(x[:]), string(y[:])), true
}

// hasIPv4 reports whether text holds one of the addresses (or, with prefix, an
// address starting with one of the prefixes). An address in the text is a run of
// digits and dots that is a valid IPv4 address and is not next to a letter or
// digit. A prefix is a whole address or octets ending with a dot.
func hasIPv4(text string, needles []string, prefix bool) bool {
	var want []string
	for _, s := range needles {
		s = strings.TrimSpace(s)
		if prefix && strings.HasSuffix(s, ".") {
			if validIPv4Prefix(s) {
				want = append(want, s)
			}
			continue
		}
		if a, ok := parseIPv4(s); ok {
			want = append(want, ipv4Text(a))
		}
	}
	if len(want) == 0 {
		return false
	}
	for k := 0; k < len(text); {
		c := text[k]
		if !(c >= '0' && c <= '9') {
			k++
			continue
		}
		j := k
		for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == '.') {
			j++
		}
		run := strings.TrimRight(text[k:j], ".")
		before := k == 0 || !isAlnum[text[k-1]] && text[k-1] != '.'
		after := j == len(text) || !isAlnum[text[j]]
		if before && after {
			if a, ok := parseIPv4(run); ok {
				found := ipv4Text(a)
				for _, w := range want {
					if found == w || prefix && strings.HasSuffix(w, ".") && strings.HasPrefix(found, w) {
						return true
					}
				}
			}
		}
		k = j
	}
	return false
}

// validIPv4Prefix reports whether s is one to three octets, each followed by a dot.
func validIPv4Prefix(s string) bool {
	parts := strings.Split(strings.TrimSuffix(s, "."), ".")
	if len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		o, err := strconv.Atoi(p)
		if err != nil || len(p) > 3 || o < 0 || o > 255 || p[0] == '+' {
			return false
		}
	}
	return true
}
