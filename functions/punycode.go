package functions

import (
	"errors"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/spoorhq/spoor/types"
)

// Punycode (RFC 3492), the encoding of internationalized domain names:
// punycode_from_string and punycode_to_string convert one label,
// punycode_domain_to_string and punycode_domain_from_string whole domain names,
// whose non-ASCII labels carry the xn-- prefix. As in Kusto, the text is not
// normalized first: letter case and spaces are kept. Text that cannot be
// converted gives an empty string.

func init() {
	conv := func(name, doc string, f func(string) (string, error)) {
		scalar(name, 1, 1, doc, sig(types.String, textArg), strToStr(func(s string) string {
			out, err := f(s)
			if err != nil {
				return ""
			}
			return out
		}))
	}
	conv("punycode_from_string", "The punycode encoding of a string (one domain label, without the xn-- prefix)", punyEncode)
	conv("punycode_to_string", "Decodes a punycode string (one domain label, without the xn-- prefix)", punyDecode)
	conv("punycode_domain_to_string", "A domain name with each non-ASCII label punycode-encoded behind xn--", punyDomainEncode)
	conv("punycode_domain_from_string", "A domain name with each xn-- label decoded from punycode", punyDomainDecode)
}

const (
	punyBase        = 36
	punyTMin        = 1
	punyTMax        = 26
	punySkew        = 38
	punyDamp        = 700
	punyInitialBias = 72
	punyInitialN    = 128
)

var errPunycode = errors.New("invalid punycode")

func punyAdapt(delta, points int, first bool) int {
	if first {
		delta /= punyDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > (punyBase-punyTMin)*punyTMax/2 {
		delta /= punyBase - punyTMin
		k += punyBase
	}
	return k + (punyBase-punyTMin+1)*delta/(delta+punySkew)
}

// punyThreshold is the threshold t of the digit at position k.
func punyThreshold(k, bias int) int {
	switch {
	case k <= bias:
		return punyTMin
	case k >= bias+punyTMax:
		return punyTMax
	}
	return k - bias
}

func punyDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func punyEncode(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errPunycode
	}
	in := []rune(s)
	var out strings.Builder
	for _, r := range in {
		if r < 0x80 {
			out.WriteRune(r)
		}
	}
	b := out.Len()
	h := b
	if b > 0 {
		out.WriteByte('-')
	}
	n, delta, bias := punyInitialN, 0, punyInitialBias
	for h < len(in) {
		m := math.MaxInt32
		for _, r := range in {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m - n) > (math.MaxInt32-delta)/(h+1) {
			return "", errPunycode
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range in {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := punyBase; ; k += punyBase {
				t := punyThreshold(k, bias)
				if q < t {
					break
				}
				out.WriteByte(punyDigit(t + (q-t)%(punyBase-t)))
				q = (q - t) / (punyBase - t)
			}
			out.WriteByte(punyDigit(q))
			bias = punyAdapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return out.String(), nil
}

func punyDecode(s string) (string, error) {
	var out []rune
	start := 0
	if d := strings.LastIndexByte(s, '-'); d >= 0 {
		for i := 0; i < d; i++ {
			if s[i] >= 0x80 {
				return "", errPunycode
			}
			out = append(out, rune(s[i]))
		}
		start = d + 1
	}
	n, i, bias := punyInitialN, 0, punyInitialBias
	for pos := start; pos < len(s); {
		oldi, w := i, 1
		for k := punyBase; ; k += punyBase {
			if pos >= len(s) {
				return "", errPunycode
			}
			c := s[pos]
			pos++
			var digit int
			switch {
			case c >= '0' && c <= '9':
				digit = int(c-'0') + 26
			case c >= 'a' && c <= 'z':
				digit = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				digit = int(c - 'A')
			default:
				return "", errPunycode
			}
			if digit > (math.MaxInt32-i)/w {
				return "", errPunycode
			}
			i += digit * w
			t := punyThreshold(k, bias)
			if digit < t {
				break
			}
			w *= punyBase - t
		}
		bias = punyAdapt(i-oldi, len(out)+1, oldi == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > utf8.MaxRune {
			return "", errPunycode
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), nil
}

// splitDomain splits a domain name at its dots: the ASCII one and the
// ideographic and full-width ones IDNA treats as dots.
func splitDomain(s string) []string {
	for _, dot := range []string{"\u3002", "\uff0e", "\uff61"} {
		s = strings.ReplaceAll(s, dot, ".")
	}
	return strings.Split(s, ".")
}

func punyDomainEncode(s string) (string, error) {
	labels := splitDomain(s)
	for k, l := range labels {
		ascii := true
		for i := 0; i < len(l); i++ {
			if l[i] >= 0x80 {
				ascii = false
				break
			}
		}
		if ascii {
			continue
		}
		enc, err := punyEncode(l)
		if err != nil {
			return "", err
		}
		labels[k] = "xn--" + enc
	}
	return strings.Join(labels, "."), nil
}

func punyDomainDecode(s string) (string, error) {
	labels := splitDomain(s)
	for k, l := range labels {
		if len(l) < 4 || !strings.EqualFold(l[:4], "xn--") {
			continue
		}
		dec, err := punyDecode(l[4:])
		if err != nil {
			return "", err
		}
		labels[k] = dec
	}
	return strings.Join(labels, "."), nil
}
