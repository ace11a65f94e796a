package planner

import (
	"fmt"
	"strings"
	"sync"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Advanced hunting's built-in functions. AssignedIPAddresses(), DeviceFromIP()
// and SeenBy() are written in KQL over the built-in tables and defined before a
// query's own statements (a query's own let of the same name shadows them);
// FileProfile() takes a column as its argument, so the binder builds it per call.
// https://learn.microsoft.com/defender-xdr/advanced-hunting-assignedipaddresses-function

// huntingPrelude defines the functions; the DeviceNetworkInfo snapshots' IPAddresses
// column is a JSON array of {IPAddress, AddressType, SubnetPrefix}.
const huntingPrelude = `
let AssignedIPAddresses = (x:string, y:datetime = datetime(null)) {
    DeviceNetworkInfo
    | where DeviceId == x or DeviceName =~ x
    | where isnull(y) or Timestamp <= y
    | summarize arg_max(Timestamp, *) by NetworkAdapterName
    | mv-expand Address = todynamic(IPAddresses)
    | project Timestamp, IPAddress = tostring(Address.IPAddress), IPType = tostring(Address.AddressType),
        NetworkAdapterType, ConnectedNetworks
};
let DeviceFromIP = (T:(IP:string), y:datetime = datetime(null)) {
    let assigned = DeviceNetworkInfo
        | where isnull(y) or Timestamp <= y
        | mv-expand Address = todynamic(IPAddresses)
        | extend IP = tostring(Address.IPAddress)
        | summarize arg_max(Timestamp, DeviceId) by IP
        | project IP, DeviceId;
    T | distinct IP | join kind=inner assigned on IP | project IP, DeviceId
};
let SeenBy = (T:(DeviceId:string)) {
    let addresses = DeviceNetworkInfo
        | mv-expand Address = todynamic(IPAddresses)
        | extend IP = tostring(Address.IPAddress)
        | distinct DeviceId, IP;
    let seen = DeviceNetworkEvents
        | where RemoteIPType == "Private"
        | summarize LastEncountered = max(Timestamp) by SeenByDeviceId = DeviceId, IP = RemoteIP
        | join kind=inner addresses on IP
        | where SeenByDeviceId != DeviceId
        | summarize SeenBy = make_bag(bag_pack(SeenByDeviceId, LastEncountered)) by DeviceId;
    T | join kind=leftouter seen on DeviceId | project-away DeviceId1
};
`

// preludeNeeds names the tables each prelude function reads.
var preludeNeeds = map[string][]string{
	"AssignedIPAddresses": {"DeviceNetworkInfo"},
	"DeviceFromIP":        {"DeviceNetworkInfo"},
	"SeenBy":              {"DeviceNetworkInfo", "DeviceNetworkEvents"},
}

var preludeStmts = sync.OnceValue(func() []*parser.LetStmt {
	q, err := parser.Parse(huntingPrelude + "print 1")
	if err != nil {
		panic("BUG: the hunting functions do not parse: " + err.Error())
	}
	var out []*parser.LetStmt
	for _, st := range q.Statements {
		if l, ok := st.(*parser.LetStmt); ok {
			out = append(out, l)
		}
	}
	return out
})

// definePrelude defines the hunting functions whose tables the catalog has.
func (b *binder) definePrelude() {
	for _, s := range preludeStmts() {
		ok := true
		for _, t := range preludeNeeds[s.Name.Value] {
			ok = ok && b.cat.Table(t) != nil
		}
		if ok {
			b.let(s)
		}
	}
}

// fileProfileColumns are the columns FileProfile() adds, from FileProfileData.
var fileProfileColumns = []string{"SHA1", "SHA256", "MD5", "FileSize", "GlobalPrevalence", "GlobalFirstSeen",
	"GlobalLastSeen", "Signer", "Issuer", "SignerHash", "IsCertificateValid", "IsRootSignerMicrosoft",
	"SignatureState", "IsExecutable", "ThreatName", "Publisher", "SoftwareName"}

// fileProfile binds `invoke FileProfile(x, y)`: the input enriched with the
// reputation of the file whose hash is in column x (SHA1, SHA256,
// InitiatingProcessSHA1 or InitiatingProcessSHA256; SHA1 when left out; bare or
// as a string). y, the number of records to enrich (default 100; Defender
// documents at most 1,000 but accepts more), must be positive; every row is
// enriched. Columns the input already has are not repeated; ProfileAvailability
// says whether a profile was found.
// https://learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function
func (b *binder) fileProfile(in Node, o *parser.InvokeOp, call *parser.CallExpr) Node {
	const usage = "FileProfile(x, y) takes the column holding the file hash (SHA1, SHA256, InitiatingProcessSHA1 or InitiatingProcessSHA256) and the number of records to enrich"
	data := b.cat.Table("FileProfileData")
	if data == nil {
		b.errs.add(call.Pos, "FileProfile() needs the FileProfileData table, which holds file reputation")
		return nil
	}
	if len(call.Args) > 2 {
		b.errs.add(call.Args[2].Start(), "%s", usage)
		return nil
	}
	col := "SHA1"
	if len(call.Args) > 0 {
		// The column is named bare (SHA1) or, as many published hunts write it,
		// as a string ('SHA1').
		switch a := call.Args[0].(type) {
		case *parser.NameRef:
			col = a.Name
		case *parser.Literal:
			v := b.literal(a)
			if v.Type != types.String {
				b.errs.add(a.Start(), "%s", usage)
				return nil
			}
			col = v.S
		default:
			b.errs.add(call.Args[0].Start(), "%s", usage)
			return nil
		}
	}
	key := ""
	switch {
	case strings.HasSuffix(col, "SHA256"):
		key = "SHA256"
	case strings.HasSuffix(col, "SHA1"):
		key = "SHA1"
	default:
		b.errs.add(call.Args[0].Start(), "%s", usage)
		return nil
	}
	cols := in.Columns()
	at := -1
	for i, c := range cols {
		if c.Name == col {
			at = i
		}
	}
	if at < 0 || cols[at].Type != types.String {
		pos := call.Pos
		if len(call.Args) > 0 {
			pos = call.Args[0].Start()
		}
		b.errs.add(pos, "FileProfile() needs a string column '%s' in its input", col)
		return nil
	}
	if len(call.Args) > 1 {
		sc := &scope{b: b}
		x := sc.bindExpr(call.Args[1])
		c, ok := x.(*Const)
		if !ok || !c.V.Type.Numeric() || c.V.Null || c.V.I < 1 {
			b.errs.add(call.Args[1].Start(), "%s", usage)
			return nil
		}
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Name] = true
	}
	add := []string{fmt.Sprintf("%s = %s", col, key)}
	for _, c := range fileProfileColumns {
		if c != key && !have[c] && data.Index(c) >= 0 {
			add = append(add, c)
		}
	}
	text := fmt.Sprintf(`let FileProfile = (T:(*)) {
    T | lookup kind=leftouter (FileProfileData | summarize arg_max(Timestamp, *) by %s
        | project %s, ProfileAvailability = "Available") on %s
      | extend ProfileAvailability = iff(isempty(ProfileAvailability), "NotAvailable", ProfileAvailability)
};
print 1`, key, strings.Join(add, ", "), col)
	q, err := parser.Parse(text)
	if err != nil {
		panic("BUG: FileProfile's definition does not parse: " + err.Error())
	}
	b.let(q.Statements[0].(*parser.LetStmt))
	fn := b.funcs["FileProfile"]
	defer func() { b.own(); b.forget("FileProfile") }()
	return b.invokeFunc(in, fn, &parser.CallExpr{Span: call.Span, Name: "FileProfile"}, o)
}
