package samples

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
)

// Ticks per unit, for datetime arithmetic on 100 ns ticks.
const (
	second = int64(10_000_000)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

// initiatingCols are the columns initiating fills, in the order of its
// slots (ip* below).
var initiatingCols = [...]string{
	"InitiatingProcessFileName", "InitiatingProcessFolderPath", "InitiatingProcessCommandLine",
	"InitiatingProcessId", "InitiatingProcessCreationTime", "InitiatingProcessSHA1",
	"InitiatingProcessSHA256", "InitiatingProcessMD5", "InitiatingProcessFileSize",
	"InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName",
	"InitiatingProcessVersionInfoProductVersion", "InitiatingProcessVersionInfoInternalFileName",
	"InitiatingProcessVersionInfoOriginalFileName", "InitiatingProcessVersionInfoFileDescription",
	"InitiatingProcessAccountName", "InitiatingProcessAccountDomain", "InitiatingProcessAccountSid",
	"InitiatingProcessAccountUpn", "InitiatingProcessAccountObjectId", "InitiatingProcessIntegrityLevel",
	"InitiatingProcessTokenElevation", "InitiatingProcessLogonId", "InitiatingProcessSessionId",
	"InitiatingProcessUniqueId", "IsInitiatingProcessRemoteSession", "InitiatingProcessParentId",
	"InitiatingProcessParentFileName", "InitiatingProcessParentCreationTime",
	"InitiatingProcessSignerType", "InitiatingProcessSignatureStatus",
	"DeviceId", "DeviceName",
}

const (
	ipFileName = iota
	ipFolderPath
	ipCommandLine
	ipId
	ipCreationTime
	ipSHA1
	ipSHA256
	ipMD5
	ipFileSize
	ipCompanyName
	ipProductName
	ipProductVersion
	ipInternalFileName
	ipOriginalFileName
	ipFileDescription
	ipAccountName
	ipAccountDomain
	ipAccountSid
	ipAccountUpn
	ipAccountObjectId
	ipIntegrityLevel
	ipTokenElevation
	ipLogonId
	ipSessionId
	ipUniqueId
	ipRemoteSession
	ipParentId
	ipParentFileName
	ipParentCreationTime
	ipSignerType
	ipSignatureStatus
	ipDeviceId
	ipDeviceName
	ipCount
)

// initiatingSlots returns the positions of initiatingCols in the table, -1
// for those it lacks, looked up once: every Device* row fills them.
func (t *table) initiatingSlots() *[ipCount]int {
	if t.initiating == nil {
		t.initiating = new([ipCount]int)
		for k, name := range initiatingCols {
			i, ok := t.idx[name]
			if !ok {
				i = -1
			}
			t.initiating[k] = i
		}
	}
	return t.initiating
}

// initiating fills the InitiatingProcess* columns a table has from a process, and
// the device's identity. Every Device* row names the process that caused it.
func (r row) initiating(d *device, p *proc) row {
	if r.t == nil {
		return r
	}
	slots := r.t.initiatingSlots()
	str := func(k int, v string) {
		if i := slots[k]; i >= 0 {
			r.strAt(i, v)
		}
	}
	long := func(k int, v int64) {
		if i := slots[k]; i >= 0 {
			r.valueAt(i, v)
		}
	}
	if slots[ipDeviceId] < 0 || slots[ipDeviceName] < 0 {
		panic("BUG: table " + r.t.name + " has no device columns")
	}
	str(ipDeviceId, d.id)
	str(ipDeviceName, d.name)
	if p == nil {
		return r
	}
	acct, dom, sid, upn, oid := accountOf(p.user)
	im := p.img
	str(ipFileName, im.file)
	str(ipFolderPath, p.folder())
	str(ipCommandLine, p.cmd)
	long(ipId, p.pid)
	long(ipCreationTime, p.created)
	str(ipSHA1, im.sha1)
	str(ipSHA256, im.sha256)
	str(ipMD5, im.md5)
	long(ipFileSize, im.size)
	str(ipCompanyName, im.company)
	str(ipProductName, im.product)
	str(ipProductVersion, im.version)
	str(ipInternalFileName, im.file)
	str(ipOriginalFileName, im.file)
	str(ipFileDescription, im.desc)
	str(ipAccountName, acct)
	str(ipAccountDomain, dom)
	str(ipAccountSid, sid)
	str(ipAccountUpn, upn)
	str(ipAccountObjectId, oid)
	str(ipIntegrityLevel, p.integrity)
	str(ipTokenElevation, p.elevation)
	long(ipLogonId, p.logonID)
	long(ipSessionId, d.session)
	str(ipUniqueId, p.uniqueID())
	if i := slots[ipRemoteSession]; i >= 0 {
		r.valueAt(i, 0)
	}
	if p.parent != nil {
		long(ipParentId, p.parent.pid)
		str(ipParentFileName, p.parent.img.file)
		long(ipParentCreationTime, p.parent.created)
	}
	if im.signer != "" {
		str(ipSignerType, "OsVendor")
		str(ipSignatureStatus, "Valid")
	} else {
		str(ipSignerType, "None")
		str(ipSignatureStatus, "Unsigned")
	}
	return r
}

// accountOf is a process's account columns; nil is the local system account.
func accountOf(u *user) (name, domain, sid, upn, objectID string) {
	if u == nil {
		return "system", "nt authority", "S-1-5-18", "", ""
	}
	return u.name, domainLow, u.sid, u.upn, u.objectID
}

// newProc starts a process on a device without writing a row: the long-lived
// processes that exist before the window opens.
func (g *gen) newProc(d *device, im *image, cmd string, parent *proc, u *user, at int64) *proc {
	d.pid += 4 + int64(g.rng.IntN(64))*4
	g.report++
	p := &proc{img: im, pid: d.pid, cmd: userPath(cmd, u), created: at, parent: parent, user: u, uniq: g.report}
	p.integrity, p.elevation = "System", "TokenElevationTypeDefault"
	if u != nil {
		p.integrity, p.elevation = "Medium", "TokenElevationTypeLimited"
		if u.admin || g.elevated {
			p.integrity, p.elevation = "High", "TokenElevationTypeFull"
		}
		p.logonID = 0x3e7 + int64(fnv32(u.name+d.name))%900000
	} else {
		p.logonID = 0x3e7
	}
	return p
}

// spawn starts a process and writes its DeviceProcessEvents row.
func (g *gen) spawn(d *device, im *image, cmd string, parent *proc, u *user, at int64) *proc {
	p := g.newProc(d, im, cmd, parent, u, at)
	g.images[im.sha256] = im
	acct, dom, sid, upn, oid := accountOf(u)
	r := g.row("DeviceProcessEvents", at).initiating(d, parent).
		str("ActionType", "ProcessCreated").str("FileName", im.file).str("FolderPath", p.folder()).
		str("SHA1", im.sha1).str("SHA256", im.sha256).str("MD5", im.md5).long("FileSize", im.size).
		str("ProcessVersionInfoCompanyName", im.company).str("ProcessVersionInfoProductName", im.product).
		str("ProcessVersionInfoProductVersion", im.version).str("ProcessVersionInfoInternalFileName", im.file).
		str("ProcessVersionInfoOriginalFileName", im.file).str("ProcessVersionInfoFileDescription", im.desc).
		long("ProcessId", p.pid).str("ProcessCommandLine", p.cmd).str("ProcessIntegrityLevel", p.integrity).
		str("ProcessTokenElevation", p.elevation).time("ProcessCreationTime", at).
		str("AccountDomain", dom).str("AccountName", acct).str("AccountSid", sid).str("AccountUpn", upn).
		str("AccountObjectId", oid).long("LogonId", p.logonID).long("CreatedProcessSessionId", d.session).
		boolean("IsProcessRemoteSession", false).str("ProcessUniqueId", p.uniqueID())
	r.done()
	return p
}

// connect writes a DeviceNetworkEvents row for an outbound connection.
func (g *gen) connect(d *device, p *proc, at int64, url, ip string, port int64, action string) string {
	r := g.row("DeviceNetworkEvents", at).initiating(d, p).str("ActionType", action).
		str("RemoteIP", ip).long("RemotePort", port).str("RemoteUrl", url).str("LocalIP", d.ip).
		long("LocalPort", 49152+int64(g.rng.IntN(16000))).str("Protocol", "Tcp").str("LocalIPType", "Private")
	if strings.HasPrefix(ip, "10.") {
		r.str("RemoteIPType", "Private")
	} else {
		r.str("RemoteIPType", "Public")
	}
	return r.done()
}

// fileEvent writes a DeviceFileEvents row.
func (g *gen) fileEvent(d *device, p *proc, at int64, action, name, folder, originURL string, size int64) string {
	s1, s256, m5 := hashes(strings.ToLower(folder + name))
	r := g.row("DeviceFileEvents", at).initiating(d, p).str("ActionType", action).str("FileName", name).
		str("FolderPath", folder+name).str("SHA1", s1).str("SHA256", s256).str("MD5", m5).long("FileSize", size)
	if originURL != "" {
		r.str("FileOriginUrl", originURL).str("FileOriginIP", ipFor(hostOf(originURL)))
	}
	return r.done()
}

// regEvent writes a DeviceRegistryEvents row.
func (g *gen) regEvent(d *device, p *proc, at int64, action, key, name, typ, data string) string {
	return g.row("DeviceRegistryEvents", at).initiating(d, p).str("ActionType", action).str("RegistryKey", key).
		str("RegistryValueName", name).str("RegistryValueType", typ).str("RegistryValueData", data).done()
}

// ipFor derives a stable public address for a host name.
func ipFor(host string) string {
	h := fnv32(host)
	firsts := []int{13, 20, 23, 40, 52, 104, 142, 151, 172, 185}
	return fmt.Sprintf("%d.%d.%d.%d", firsts[h%uint32(len(firsts))], h>>8&0xff, h>>16&0xff, 1+h>>24%254)
}

func hostOf(url string) string {
	s := url
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/:?"); i >= 0 {
		s = s[:i]
	}
	return s
}

func fnv32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// boot creates a device's long-lived processes, started before the window.
func (g *gen) boot(d *device) {
	w := g.world
	at := g.start - int64(1+g.rng.IntN(5))*day
	d.system = &proc{img: w.byName["system"], pid: 4, cmd: "System", created: at, integrity: "System", logonID: 0x3e7}
	d.winlogon = g.newProc(d, w.byName["winlogon.exe"], "winlogon.exe", d.system, nil, at+20*second)
	d.services = g.newProc(d, w.byName["services.exe"], `C:\Windows\system32\services.exe`, d.system, nil, at+25*second)
	d.svchost = g.newProc(d, w.byName["svchost.exe"], `C:\Windows\system32\svchost.exe -k netsvcs -p`, d.services, nil, at+30*second)
	d.session = 1
	if d.owner != nil {
		d.explorer = g.newProc(d, w.byName["explorer.exe"], `C:\Windows\Explorer.EXE`, d.winlogon, d.owner, at+90*second)
	}
}

// parentFor finds the process that starts a program, by the program's usual parent.
func (g *gen) parentFor(d *device, im *image, recent []*proc) *proc {
	switch im.parent {
	case "explorer.exe":
		if d.explorer != nil {
			return d.explorer
		}
		return d.services
	case "services.exe", "wininit.exe":
		return d.services
	case "svchost.exe", "SearchIndexer.exe":
		return d.svchost
	}
	// A child of another program: the latest process of that program if there is one.
	for i := len(recent) - 1; i >= 0 && i >= len(recent)-40; i-- {
		if strings.EqualFold(recent[i].img.file, im.parent) {
			return recent[i]
		}
	}
	if d.explorer != nil {
		return d.explorer
	}
	return d.svchost
}

// threatNames are the verdicts FileProfileData gives the stories' tools.
var threatNames = map[string]string{
	"Rubeus.exe":     "HackTool:MSIL/Rubeus",
	"svchostsvc.exe": "Ransom:Win64/Filecoder.RK",
}

// fileProfiles writes a FileProfileData row for every program that ran: common
// programs are globally prevalent and signed, the long tail rare, the stories'
// tools rarer still.
func (g *gen) fileProfiles() {
	keys := make([]string, 0, len(g.images))
	for k := range g.images {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	at := g.end - hour
	for _, k := range keys {
		im := g.images[k]
		prevalence := int64(im.weight*50_000) + int64(fnv32(im.file)%500)
		if im.weight == 0 {
			prevalence = int64(fnv32(im.file)%40) + 1
		}
		state, valid := "SignedValid", true
		if im.signer == "" {
			state, valid = "Unsigned", false
		}
		first := g.start - int64(30+fnv32(im.sha1)%900)*day
		if prevalence < 50 {
			first = g.start + int64(fnv32(im.sha1)%uint32(max(1, g.o.Days)))*day
		}
		g.row("FileProfileData", at).str("SHA1", im.sha1).str("SHA256", im.sha256).str("MD5", im.md5).long("FileSize", im.size).
			long("GlobalPrevalence", prevalence).time("GlobalFirstSeen", first).time("GlobalLastSeen", at).
			str("Signer", im.signer).str("Issuer", map[bool]string{true: im.signer + " Code Signing PCA", false: ""}[valid]).
			str("SignerHash", map[bool]string{true: im.md5, false: ""}[valid]).boolean("IsCertificateValid", valid).
			boolean("IsRootSignerMicrosoft", im.company == "Microsoft Corporation").str("SignatureState", state).
			boolean("IsExecutable", strings.HasSuffix(strings.ToLower(im.file), ".exe")).str("ThreatName", threatNames[im.file]).
			str("Publisher", im.company).str("SoftwareName", im.product).done()
	}
}
