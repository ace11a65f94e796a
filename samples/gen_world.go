package samples

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The generated organisation: Contoso, with workstations named after their
// users' departments, member servers by role, and domain controllers.
const (
	domainDNS  = "corp.contoso.com"
	domainNB   = "CONTOSO"
	domainLow  = "contoso" // domainNB as account domains are logged
	mailDomain = "contoso.com"
	domainSID  = "S-1-5-21-1004336348-1177238915-682003330"
	tenantID   = "4a1f2b37-81c4-4a09-9c6a-5a2f8d6a0c11"
	officeIP   = "203.0.113.10" // the office's public address
)

// user is an account of the organisation.
type user struct {
	name, display, upn, sid, objectID, dept, title string
	admin, service                                 bool
	city, country                                  string
}

// device is an onboarded endpoint.
type device struct {
	id, name, os, osVersion, ip, mac, role string
	osBuild                                int64
	server, dc                             bool
	owner                                  *user
	pid                                    int64 // the next process id
	session                                int64
	// Long-lived processes that parent the rest.
	system, services, explorer, svchost, winlogon *proc
}

// image is an executable or library file.
type image struct {
	file, folder, sha1, sha256, md5      string
	size                                 int64
	company, product, version, desc      string
	signer                               string // "" when unsigned
	network                              bool   // it talks to the network
	parent                               string // the usual parent: explorer, services, svchost, a file name
	cmds                                 []string
	serverOnly, workstation, interactive bool
	weight                               float64
}

// proc is a running process.
type proc struct {
	img       *image
	pid       int64
	cmd       string
	created   int64
	parent    *proc
	user      *user // nil: SYSTEM
	integrity string
	elevation string
	logonID   int64
	uniq      int64
	// Derived strings, made once: every row the process causes names them.
	folderPath, uniq10 string
}

// folder is the folder of the process's image, in its user's profile where
// the image's is one.
func (p *proc) folder() string {
	if p.folderPath == "" {
		p.folderPath = userPath(p.img.folder, p.user)
	}
	return p.folderPath
}

// uniqueID is the process's unique id in decimal.
func (p *proc) uniqueID() string {
	if p.uniq10 == "" {
		p.uniq10 = strconv.FormatInt(p.uniq, 10)
	}
	return p.uniq10
}

// world is everything the background activity and the stories draw on.
type world struct {
	users     []*user
	admins    []*user
	svc       []*user
	devices   []*device
	servers   []*device
	dcs       []*device
	programs  []*image // weighted by popularity (common first, then a long tail)
	cum       []float64
	byName    map[string]*image
	dlls      []*image
	domains   []string // popular web destinations, most popular first
	rareSites []string
	senders   []string // external mail domains
}

var firstNames = []string{"alex", "maria", "john", "wei", "fatima", "olga", "raj", "emma", "liam", "noah", "ava", "sofia",
	"lucas", "mia", "ethan", "chloe", "omar", "hana", "ivan", "lena", "diego", "nina", "kofi", "sara", "tom", "yuki",
	"paul", "anna", "ben", "carla", "dan", "eva", "felix", "gina", "hugo", "iris", "jonas", "kira", "leo", "mara"}
var lastNames = []string{"smith", "garcia", "chen", "khan", "petrova", "patel", "muller", "rossi", "kim", "silva", "novak",
	"jones", "brown", "nguyen", "tanaka", "haddad", "ivanova", "lopez", "berg", "costa", "okafor", "schmidt", "dubois",
	"walker", "young", "moreau", "fischer", "kowalski", "santos", "larsen"}
var departments = []string{"finance", "sales", "hr", "engineering", "marketing", "legal", "it", "support", "ops"}
var cities = [][2]string{{"Seattle", "US"}, {"London", "GB"}, {"Berlin", "DE"}, {"Singapore", "SG"}, {"Toronto", "CA"}}

// hashes derives stable file hashes from a name, so the same file has the same
// hashes on every device and run.
func hashes(s string) (sha1Hex, sha256Hex, md5Hex string) {
	a := sha1.Sum([]byte("sha1:" + s))
	b := sha256.Sum256([]byte("sha256:" + s))
	c := sha256.Sum256([]byte("md5:" + s))
	return hex.EncodeToString(a[:]), hex.EncodeToString(b[:]), hex.EncodeToString(c[:16])
}

func guid(r *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff,
		0x8000|r.Uint32()&0x3fff, r.Uint64()&0xffffffffffff)
}

func newWorld(r *rand.Rand, devices int) *world {
	w := &world{byName: map[string]*image{}}
	// People: about one per workstation, plus administrators and service accounts.
	nUsers := max(devices, 4)
	seen := map[string]bool{}
	for i := 0; len(w.users) < nUsers; i++ {
		f, l := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		name := f + "." + l
		if seen[name] {
			name = fmt.Sprintf("%s.%s%d", f, l, i)
		}
		seen[name] = true
		c := cities[r.IntN(len(cities))]
		dept := departments[r.IntN(len(departments))]
		u := &user{name: name, display: strings.ToUpper(f[:1]) + f[1:] + " " + strings.ToUpper(l[:1]) + l[1:],
			upn: name + "@" + mailDomain, sid: fmt.Sprintf("%s-%d", domainSID, 1100+len(w.users)), objectID: guid(r),
			dept: dept, title: titleFor(dept, r), city: c[0], country: c[1]}
		w.users = append(w.users, u)
	}
	for i := 0; i < 3; i++ {
		u := w.users[i]
		a := &user{name: "adm-" + strings.Split(u.name, ".")[1], display: u.display + " (admin)", upn: "adm-" + u.name + "@" + mailDomain,
			sid: fmt.Sprintf("%s-%d", domainSID, 500+i*7+3), objectID: guid(r), dept: "it", title: "Administrator", admin: true,
			city: u.city, country: u.country}
		w.admins = append(w.admins, a)
	}
	for _, n := range []string{"svc-sql", "svc-backup", "svc-web", "svc-scan"} {
		w.svc = append(w.svc, &user{name: n, display: n, upn: n + "@" + mailDomain, sid: fmt.Sprintf("%s-%d", domainSID, 3000+len(w.svc)),
			objectID: guid(r), dept: "it", title: "Service account", service: true, city: "Seattle", country: "US"})
	}
	// Devices: two domain controllers, one server in eight, the rest workstations.
	nDC := 1
	if devices >= 20 {
		nDC = 2
	}
	nSrv := max(1, devices/8)
	if devices < 3 {
		nDC, nSrv = 0, 0
	}
	roles := []string{"sql", "web", "file", "app", "print", "build"}
	for i := 0; i < devices; i++ {
		d := &device{id: hex.EncodeToString(sha1b(fmt.Sprintf("dev%d-%d", i, r.Uint64()))), pid: 4000 + int64(r.IntN(2000))}
		switch {
		case i < nDC:
			d.dc, d.server, d.role = true, true, "dc"
			d.name = fmt.Sprintf("dc-%02d.%s", i+1, domainDNS)
			d.ip = fmt.Sprintf("10.0.0.%d", 10+i)
		case i < nDC+nSrv:
			d.server = true
			d.role = roles[(i-nDC)%len(roles)]
			d.name = fmt.Sprintf("srv-%s-%02d.%s", d.role, (i-nDC)/len(roles)+1, domainDNS)
			d.ip = fmt.Sprintf("10.0.1.%d", 10+i-nDC)
		default:
			u := w.users[(i-nDC-nSrv)%len(w.users)]
			d.owner = u
			d.role = "workstation"
			d.name = fmt.Sprintf("wks-%s-%04d.%s", u.dept, 1000+i, domainDNS)
			d.ip = fmt.Sprintf("10.%d.%d.%d", 10+i/60000, (i/250)%250+2, i%250+2)
		}
		if d.server {
			d.os, d.osVersion, d.osBuild = "WindowsServer2022", "10.0", 20348
			if r.IntN(3) == 0 {
				d.os, d.osBuild = "WindowsServer2019", 17763
			}
			w.servers = append(w.servers, d)
			if d.dc {
				w.dcs = append(w.dcs, d)
			}
		} else {
			d.os, d.osVersion, d.osBuild = "Windows11", "10.0", 22631
			if r.IntN(4) == 0 {
				d.os, d.osBuild = "Windows10", 19045
			}
		}
		d.mac = fmt.Sprintf("00-15-5d-%02x-%02x-%02x", r.IntN(256), r.IntN(256), r.IntN(256))
		w.devices = append(w.devices, d)
	}
	w.programs = catalogue(r)
	for _, p := range w.programs {
		w.byName[strings.ToLower(p.file)] = p
	}
	total := 0.0
	for _, p := range w.programs {
		total += p.weight
		w.cum = append(w.cum, total)
	}
	w.dlls = libraries()
	w.domains = []string{"login.microsoftonline.com", "outlook.office365.com", "teams.microsoft.com", "www.office.com",
		"contoso.sharepoint.com", "graph.microsoft.com", "settings-win.data.microsoft.com", "www.google.com",
		"github.com", "www.bing.com", "update.googleapis.com", "slack.com", "zoom.us", "www.linkedin.com",
		"cdn.jsdelivr.net", "api.github.com", "s3.amazonaws.com", "www.salesforce.com", "docs.python.org",
		"stackoverflow.com", "www.youtube.com", "news.ycombinator.com", "www.wikipedia.org", "dropbox.com"}
	for i := 0; i < 400; i++ {
		w.rareSites = append(w.rareSites, fmt.Sprintf("%s%d.%s", syllables(r, 2), r.IntN(90)+10, []string{"com", "net", "org", "io", "info"}[r.IntN(5)]))
	}
	w.senders = []string{"contoso.com", "fabrikam.com", "northwindtraders.com", "adventure-works.com", "tailspintoys.com",
		"linkedin.com", "microsoft.com", "github.com", "salesforce.com", "zoom.us", "docusign.net", "newsletter.example.org"}
	return w
}

func sha1b(s string) []byte { h := sha1.Sum([]byte(s)); return h[:] }

func titleFor(dept string, r *rand.Rand) string {
	t := map[string][]string{"finance": {"Accountant", "Controller", "Payroll Specialist"}, "sales": {"Account Executive", "Sales Manager"},
		"hr": {"HR Partner", "Recruiter"}, "engineering": {"Software Engineer", "SRE", "Engineering Manager"},
		"marketing": {"Marketing Lead", "Designer"}, "legal": {"Counsel", "Paralegal"}, "it": {"IT Technician", "Sysadmin"},
		"support": {"Support Engineer"}, "ops": {"Operations Analyst", "Facilities Manager"}}[dept]
	return t[r.IntN(len(t))]
}

func syllables(r *rand.Rand, n int) string {
	parts := []string{"ka", "zo", "mi", "ter", "vex", "lor", "qua", "sin", "dra", "pol", "nex", "tu", "ra", "bel", "cor", "fy"}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

// pick draws a program by popularity: a few very common processes and a long tail
// of rare ones, as real endpoints show.
func (w *world) pick(r *rand.Rand, d *device) *image {
	for {
		x := r.Float64() * w.cum[len(w.cum)-1]
		i, j := 0, len(w.cum)
		for i < j {
			h := (i + j) / 2
			if w.cum[h] < x {
				i = h + 1
			} else {
				j = h
			}
		}
		p := w.programs[min(i, len(w.programs)-1)]
		if p.serverOnly && !d.server || p.workstation && d.server {
			continue
		}
		return p
	}
}

const (
	win32 = `C:\Windows\System32\`
	pf    = `C:\Program Files\`
	pf86  = `C:\Program Files (x86)\`
)

func img(file, folder, company, product, desc string, weight float64) *image {
	s1, s256, m5 := hashes(strings.ToLower(folder + file))
	return &image{file: file, folder: folder + file, sha1: s1, sha256: s256, md5: m5, size: int64(len(file)*37_113 + 80_000),
		company: company, product: product, version: "10.0.22621.1", desc: desc, signer: company, weight: weight}
}

// catalogue is the programs of the background activity with their popularity.
func catalogue(r *rand.Rand) []*image {
	ms := "Microsoft Corporation"
	win := "Microsoft® Windows® Operating System"
	with := func(p *image, parent string, network bool, cmds ...string) *image {
		p.parent, p.network, p.cmds = parent, network, cmds
		return p
	}
	list := []*image{
		with(img("svchost.exe", win32, ms, win, "Host Process for Windows Services", 120), "services.exe", true,
			`C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`, `C:\Windows\system32\svchost.exe -k NetworkService -p -s Dnscache`,
			`C:\Windows\System32\svchost.exe -k wsappx -p -s AppXSvc`, `C:\Windows\system32\svchost.exe -k LocalService -p -s BthAvctpSvc`),
		with(img("conhost.exe", win32, ms, win, "Console Window Host", 70), "cmd.exe", false, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`),
		with(img("msedge.exe", pf86+`Microsoft\Edge\Application\`, ms, "Microsoft Edge", "Microsoft Edge", 60), "explorer.exe", true,
			`"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=renderer --lang=en-US`,
			`"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --single-argument https://contoso.sharepoint.com/`),
		with(img("chrome.exe", pf+`Google\Chrome\Application\`, "Google LLC", "Google Chrome", "Google Chrome", 50), "explorer.exe", true,
			`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer`, `"C:\Program Files\Google\Chrome\Application\chrome.exe"`),
		with(img("ms-teams.exe", `C:\Program Files\WindowsApps\MSTeams_24152.412.2958.916_x64__8wekyb3d8bbwe\`, ms, "Microsoft Teams", "Microsoft Teams", 30), "explorer.exe", true,
			`"ms-teams.exe" --system-initiated`),
		with(img("OUTLOOK.EXE", pf+`Microsoft Office\root\Office16\`, ms, "Microsoft Outlook", "Microsoft Outlook", 25), "explorer.exe", true,
			`"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"`),
		with(img("RuntimeBroker.exe", win32, ms, win, "Runtime Broker", 25), "svchost.exe", false, `C:\Windows\System32\RuntimeBroker.exe -Embedding`),
		with(img("backgroundTaskHost.exe", win32, ms, win, "Background Task Host", 22), "svchost.exe", false,
			`"C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider`),
		with(img("SearchProtocolHost.exe", win32, ms, win, "Microsoft Windows Search Protocol Host", 20), "SearchIndexer.exe", false,
			`"C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe1_`),
		with(img("taskhostw.exe", win32, ms, win, "Host Process for Windows Tasks", 18), "svchost.exe", false, `taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}`),
		with(img("OneDrive.exe", `C:\Program Files\Microsoft OneDrive\`, ms, "Microsoft OneDrive", "Microsoft OneDrive", 15), "explorer.exe", true,
			`"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background`),
		with(img("WINWORD.EXE", pf+`Microsoft Office\root\Office16\`, ms, "Microsoft Word", "Microsoft Word", 12), "explorer.exe", false,
			`"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\%USER%\Documents\Report.docx"`),
		with(img("EXCEL.EXE", pf+`Microsoft Office\root\Office16\`, ms, "Microsoft Excel", "Microsoft Excel", 10), "explorer.exe", false,
			`"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "C:\Users\%USER%\Documents\Budget.xlsx"`),
		with(img("cmd.exe", win32, ms, win, "Windows Command Processor", 10), "explorer.exe", false,
			`"C:\Windows\system32\cmd.exe" /c echo %DATE%`, `cmd.exe /c ipconfig /all`, `cmd.exe /c dir C:\Users\%USER%\Downloads`, `"cmd.exe" /c "C:\ProgramData\scripts\logon.bat"`),
		with(img("powershell.exe", win32+`WindowsPowerShell\v1.0\`, ms, win, "Windows PowerShell", 8), "explorer.exe", true,
			`powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\ProgramData\scripts\inventory.ps1`,
			`"powershell.exe" Get-Process | Sort-Object CPU -Descending | Select-Object -First 10`,
			`powershell.exe -Command "Get-Service | Where-Object Status -eq 'Running'"`),
		with(img("MsMpEng.exe", `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\`, ms, "Microsoft Defender Antivirus", "Antimalware Service Executable", 8), "services.exe", true,
			`"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe"`),
		with(img("WmiPrvSE.exe", win32+`wbem\`, ms, win, "WMI Provider Host", 8), "svchost.exe", false, `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`),
		with(img("dllhost.exe", win32, ms, win, "COM Surrogate", 7), "svchost.exe", false, `C:\Windows\system32\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}`),
		with(img("git.exe", pf+`Git\cmd\`, "The Git Development Community", "Git", "Git for Windows", 5), "Code.exe", true, `git.exe fetch --all`, `git.exe status`),
		with(img("Code.exe", `C:\Users\%USER%\AppData\Local\Programs\Microsoft VS Code\`, ms, "Visual Studio Code", "Visual Studio Code", 5), "explorer.exe", true, `"Code.exe"`),
		with(img("python.exe", `C:\Users\%USER%\AppData\Local\Programs\Python\Python312\`, "Python Software Foundation", "Python", "Python", 3), "Code.exe", false,
			`python.exe -m pytest`, `python.exe manage.py runserver`),
		with(img("notepad.exe", win32, ms, win, "Notepad", 4), "explorer.exe", false, `"C:\Windows\system32\notepad.exe" C:\Users\%USER%\Desktop\notes.txt`),
		with(img("consent.exe", win32, ms, win, "Consent UI for administrative applications", 2), "svchost.exe", false, `consent.exe 1204 548 000001D2C1A0B1C0`),
		with(img("msiexec.exe", win32, ms, win, "Windows installer", 2), "services.exe", false, `C:\Windows\system32\msiexec.exe /V`),
		with(img("sqlservr.exe", pf+`Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\`, ms, "Microsoft SQL Server", "SQL Server Windows NT - 64 Bit", 10), "services.exe", true,
			`"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER`),
		with(img("w3wp.exe", win32+`inetsrv\`, ms, "Internet Information Services", "IIS Worker Process", 10), "svchost.exe", true,
			`c:\windows\system32\inetsrv\w3wp.exe -ap "DefaultAppPool" -v "v4.0"`),
		with(img("lsass.exe", win32, ms, win, "Local Security Authority Process", 0), "wininit.exe", true, `C:\Windows\system32\lsass.exe`),
		with(img("explorer.exe", `C:\Windows\`, ms, win, "Windows Explorer", 0), "userinit.exe", false, `C:\Windows\Explorer.EXE`),
		with(img("services.exe", win32, ms, win, "Services and Controller app", 0), "wininit.exe", false, `C:\Windows\system32\services.exe`),
		with(img("winlogon.exe", win32, ms, win, "Windows Logon Application", 0), "smss.exe", false, `winlogon.exe`),
		with(img("System", "", ms, win, "NT Kernel & System", 0), "", false, `System`),
	}
	for _, p := range list {
		switch p.file {
		case "sqlservr.exe", "w3wp.exe":
			p.serverOnly = true
		case "ms-teams.exe", "OUTLOOK.EXE", "WINWORD.EXE", "EXCEL.EXE", "Code.exe", "git.exe", "python.exe", "chrome.exe", "OneDrive.exe", "notepad.exe":
			p.workstation = true
		}
	}
	// The long tail: vendor tools, updaters and utilities, each seen rarely.
	vendors := []string{"Adobe", "Zoom", "Dell", "HP", "Lenovo", "Logitech", "Citrix", "VMware", "Oracle", "Cisco", "Slack", "Notion", "7-Zip", "Mozilla", "JetBrains", "Docker"}
	kinds := []string{"Updater", "Helper", "Agent", "Service", "Launcher", "Sync", "Tray", "Collector", "Notifier", "Monitor"}
	for i := 0; i < 1500; i++ {
		v := vendors[r.IntN(len(vendors))]
		k := kinds[r.IntN(len(kinds))]
		file := fmt.Sprintf("%s%s%d.exe", strings.ReplaceAll(v, "-", ""), k, i)
		folder := pf + v + `\` + k + `\`
		p := img(file, folder, v+" Inc.", v+" "+k, v+" "+k, 3.0/math.Pow(float64(i+2), 1.1))
		p.parent = "services.exe"
		if r.IntN(2) == 0 {
			p.parent = "explorer.exe"
		}
		p.network = r.IntN(3) == 0
		p.cmds = []string{`"` + folder + file + `"`, `"` + folder + file + `" --check --silent`}
		if r.IntN(10) == 0 {
			p.signer = ""
		}
		list = append(list, p)
	}
	return list
}

// libraries are DLLs processes load.
func libraries() []*image {
	ms := "Microsoft Corporation"
	var out []*image
	for _, f := range []string{"ntdll.dll", "kernel32.dll", "KernelBase.dll", "user32.dll", "advapi32.dll", "crypt32.dll",
		"winhttp.dll", "wininet.dll", "amsi.dll", "clr.dll", "mscoree.dll", "dbghelp.dll", "samlib.dll", "vaultcli.dll", "wldp.dll"} {
		out = append(out, img(f, win32, ms, "Microsoft® Windows® Operating System", f, 1))
	}
	return out
}

// userPath fills a command line's %USER% placeholder.
func userPath(s string, u *user) string {
	if u == nil {
		return strings.ReplaceAll(s, "%USER%", "Public")
	}
	return strings.ReplaceAll(s, "%USER%", strings.Split(u.name, ".")[0])
}
