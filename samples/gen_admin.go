package samples

import (
	"strconv"
	"strings"
)

// The organisation's benign but hunt-worthy activity: what IT, helpdesk,
// backup jobs, management agents, developers and travelling people do that a
// hunt surfaces too. Real telemetry has it, so a hunt that returns rows on the
// generated store shows what an analyst triages, and the stories hide among
// look-alikes. Every behaviour is rare, tied to a plausible device or account,
// and drawn per day, not per row.

// Indicators of the benign behaviours.
const (
	licenceHost  = "lic-heartbeat.cadworks-licensing.com" // a niche licence server polled by two workstations
	artifactHost = "artifacts.contoso.com"
	scannerFile  = "nessusd.exe"
)

// orgDay writes one day of the organisation's administrative and unusual but
// benign activity. It is called once a day after the devices' and people's days.
func (g *gen) orgDay(dayStart int64, workday bool) {
	w := g.world
	if len(w.servers) == 0 || len(w.users) < 4 {
		return
	}
	n := dayStart / day // the day's number: spreads weekly and monthly chores
	itWks := g.deviceOf(w.users[0])
	sql, web := g.serverRole("sql"), g.serverRole("web")

	// Management agents run a weekly compliance script through WMI.
	for _, d := range w.devices {
		if g.rng.IntN(7) == 0 {
			g.wmiScript(d, g.clock(dayStart, false))
		}
	}
	// Backups: the nightly job quiesces services and snapshots the volume.
	g.backupJob(sql, dayStart+hour+g.rng.Int64N(30*minute))
	// The vulnerability scanner sweeps the internal networks every third night.
	if n%3 == 0 {
		g.scan(web, dayStart+3*hour+g.rng.Int64N(hour))
	}
	// A licence agent on two engineering workstations polls its server round
	// the clock.
	for i, d := range g.workstations(2, "engineering") {
		g.heartbeat(d, dayStart+int64(i)*17*second)
	}
	// SQL Agent's clean-up job runs a shell through xp_cmdshell.
	if t := dayStart + 4*hour + g.rng.Int64N(hour); g.inWindow(t) {
		srv := g.newProc(sql, g.sys("sqlservr.exe"), `"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn\sqlservr.exe" -sMSSQLSERVER`, sql.services, w.svc[0], g.start-2*day)
		g.spawn(sql, g.sys("cmd.exe"), `"cmd.exe" /c forfiles /p D:\Backup /m *.bak /d -14 /c "cmd /c del @path"`, srv, w.svc[0], t)
	}
	if !workday {
		return
	}
	admin := w.admins[int(n)%len(w.admins)]
	// IT support: remote-access tool and RDP to users' workstations.
	g.remoteSupport(itWks, admin, g.clock(dayStart, true))
	for i := 1 + g.rng.IntN(2); i > 0; i-- {
		g.rdpSupport(itWks, admin, g.randomWorkstation(), g.clock(dayStart, true))
	}
	// Server administration over WinRM.
	g.winrm(itWks, w.servers[g.rng.IntN(len(w.servers))], admin, g.clock(dayStart, true))
	// Directory reports with AD tools: the weekly one on Tuesdays, others ad hoc.
	if g.rng.IntN(3) == 0 || (n+1)%7 == 2 {
		g.adReport(itWks, admin, g.clock(dayStart, true))
	}
	switch (n + 1) % 7 { // the weekday: 1 is Monday
	case 1:
		g.localAdminGrant(g.randomWorkstation(), admin, g.clock(dayStart, true))
		g.serviceRetry(sql, web, g.clock(dayStart, true))
	case 2:
		g.onboarding(admin, g.clock(dayStart, true))
	case 3:
		g.wipeRetired(g.randomWorkstation(), admin, g.clock(dayStart, true))
		g.sqlExclusion(sql, admin, g.clock(dayStart, true))
	case 4:
		g.replaceTaskManager(itWks, admin, g.clock(dayStart, true))
		g.serviceAccountLogon(sql, itWks, g.clock(dayStart, true))
	case 5:
		g.travel(w.users[1+g.rng.IntN(len(w.users)-1)], dayStart)
	}
	// Software installs on workstations: a service, a startup shortcut, a COM add-in.
	if n%2 == 0 {
		g.install(g.randomWorkstation(), g.clock(dayStart, true))
	}
	// Developers publish build artefacts and try local web apps.
	for _, d := range g.workstations(1, "engineering") {
		g.developer(d, g.clock(dayStart, true))
	}
	// Mailbox and cloud-drive habits.
	if n%3 == 1 {
		g.syncLibrary(w.users[int(n/3*7+3)%len(w.users)], g.clock(dayStart, true))
	}
	if n%3 == 2 {
		g.forwardRule(w.users[int(n/3*5+1)%len(w.users)], g.clock(dayStart, true))
	}
	for i := 1 + g.rng.IntN(2); i > 0; i-- {
		g.installerMail(w.users[g.rng.IntN(len(w.users))], g.clock(dayStart, true))
	}
}

// serverRole is the first member server of a role, else any server.
func (g *gen) serverRole(role string) *device {
	for _, s := range g.world.servers {
		if s.role == role {
			return s
		}
	}
	for _, s := range g.world.servers {
		if !s.dc {
			return s
		}
	}
	return g.world.servers[0]
}

// workstations is up to n workstations of a department's people (others when
// the department has none).
func (g *gen) workstations(n int, dept string) []*device {
	var out []*device
	for _, d := range g.world.devices {
		if d.owner != nil && d.owner.dept == dept && len(out) < n {
			out = append(out, d)
		}
	}
	for i := len(g.world.devices) - 1; i >= 0 && len(out) < n; i-- {
		if d := g.world.devices[i]; d.owner != nil && (len(out) == 0 || out[0] != d) {
			out = append(out, d)
		}
	}
	return out
}

func (g *gen) randomWorkstation() *device {
	for {
		if d := g.world.devices[g.rng.IntN(len(g.world.devices))]; d.owner != nil {
			return d
		}
	}
}

func (g *gen) wmiScript(d *device, t int64) {
	if !g.inWindow(t) {
		return
	}
	wmi := g.spawn(d, g.sys("WmiPrvSE.exe"), `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`, d.svchost, nil, t)
	g.spawn(d, g.sys("powershell.exe"), `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Get-MpComputerStatus | Select-Object AMRunningMode, RealTimeProtectionEnabled, AntivirusSignatureAge | ConvertTo-Json -Compress"`,
		wmi, nil, t+2*second)
}

func (g *gen) backupJob(d *device, t int64) {
	if !g.inWindow(t) {
		return
	}
	u := g.world.svc[1]
	job := g.spawn(d, g.sys("cmd.exe"), `"cmd.exe" /c "C:\Scripts\prebackup.cmd"`, d.svchost, u, t)
	services := []string{"SQLSERVERAGENT", "MSSQLSERVER", "SQLWriter", "SQLBrowser", "ReportServer"}
	for i, s := range services {
		g.spawn(d, g.sys("net.exe"), "net stop "+s+" /y", job, u, t+int64(i+1)*4*second)
	}
	g.spawn(d, g.sys("vssadmin.exe"), `vssadmin create shadow /for=D:`, job, u, t+30*second)
	for i, s := range services {
		g.spawn(d, g.sys("net.exe"), "net start "+s, job, u, t+2*minute+int64(i)*4*second)
	}
}

// scan is a vulnerability scanner's sweep of the server and workstation
// networks: live hosts answer, empty addresses time out.
func (g *gen) scan(d *device, t int64) {
	if !g.inWindow(t) {
		return
	}
	scanner := tool(scannerFile, pf+`Tenable\Nessus\`, "Tenable, Inc.", "Nessus Scanner", true)
	p := g.newProc(d, scanner, `"C:\Program Files\Tenable\Nessus\nessusd.exe"`, d.services, nil, g.start-3*day)
	live := map[string]bool{}
	for _, x := range g.world.devices {
		live[x.ip] = true
	}
	ports := []int64{22, 135, 445, 3389, 5985}
	at := t
	for _, prefix := range []string{"10.0.0.", "10.0.1.", "10.10.2."} {
		for host := 2; host < 34; host++ {
			ip := prefix + strconv.Itoa(host)
			if ip == d.ip {
				continue
			}
			for _, port := range ports {
				action := "ConnectionFailed"
				if live[ip] && (port == 445 || port == 135) {
					action = "ConnectionSuccess"
				}
				at += second / 5
				g.connect(d, p, at, "", ip, port, action)
			}
		}
	}
}

func (g *gen) heartbeat(d *device, t int64) {
	agent := tool("CadLicenseAgent.exe", pf86+`CADWorks\License\`, "CADWorks Ltd.", "CADWorks licence agent", true)
	p := g.newProc(d, agent, `"C:\Program Files (x86)\CADWorks\License\CadLicenseAgent.exe" -service`, d.services, nil, g.start-day)
	g.images[agent.sha256] = agent
	ip := ipFor(licenceHost)
	for i := int64(0); i < day/(10*minute); i++ {
		at := t + i*10*minute + g.rng.Int64N(3*second)
		if g.inWindow(at) {
			g.connect(d, p, at, licenceHost, ip, 443, "ConnectionSuccess")
		}
	}
}

func (g *gen) remoteSupport(d *device, admin *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	tv := tool("TeamViewer.exe", pf+`TeamViewer\`, "TeamViewer Germany GmbH", "TeamViewer", true)
	p := g.spawn(d, tv, `"C:\Program Files\TeamViewer\TeamViewer.exe"`, d.explorer, admin, t)
	host := "router" + strconv.Itoa(1+g.rng.IntN(20)) + ".teamviewer.com"
	g.connect(d, p, t+3*second, host, ipFor(host), 443, "ConnectionSuccess")
}

func (g *gen) rdpSupport(src *device, admin *user, dst *device, t int64) {
	if !g.inWindow(t) || src == dst {
		return
	}
	mstsc := g.spawn(src, g.sys("mstsc.exe"), `"C:\Windows\system32\mstsc.exe" /v:`+strings.Split(dst.name, ".")[0], src.explorer, admin, t)
	g.connect(src, mstsc, t+second, "", dst.ip, 3389, "ConnectionSuccess")
	g.row("DeviceLogonEvents", t+5*second).initiating(dst, dst.winlogon).str("ActionType", "LogonSuccess").
		str("LogonType", "RemoteInteractive").str("AccountDomain", domainLow).str("AccountName", admin.name).
		str("AccountSid", admin.sid).str("Protocol", "Negotiate").boolean("IsLocalAdmin", true).
		str("RemoteDeviceName", src.name).str("RemoteIP", src.ip).str("RemoteIPType", "Private").done()
}

func (g *gen) winrm(src, dst *device, admin *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	ps := g.spawn(src, g.sys("powershell.exe"), `powershell.exe -NoExit -Command "Enter-PSSession -ComputerName `+strings.Split(dst.name, ".")[0]+`"`, src.explorer, admin, t)
	g.connect(src, ps, t+second, "", dst.ip, 5985, "ConnectionSuccess")
	host := g.spawn(dst, g.sys("wsmprovhost.exe"), `C:\Windows\system32\wsmprovhost.exe -Embedding`, dst.svchost, admin, t+2*second)
	for i, c := range []struct{ file, cmd string }{
		{"ipconfig.exe", `"C:\Windows\system32\ipconfig.exe" /all`},
		{"sc.exe", `"C:\Windows\system32\sc.exe" query spooler`},
		{"whoami.exe", `"C:\Windows\system32\whoami.exe"`},
	}[:1+g.rng.IntN(3)] {
		g.spawn(dst, g.sys(c.file), c.cmd, host, admin, t+int64(i+1)*time2(1))
	}
}

func (g *gen) adReport(d *device, admin *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	cmd := g.spawn(d, g.sys("cmd.exe"), `"C:\Windows\system32\cmd.exe"`, d.explorer, admin, t)
	if g.rng.IntN(2) == 0 {
		g.spawn(d, g.sys("dsquery.exe"), `dsquery.exe user -inactive 8 -limit 0`, cmd, admin, t+20*second)
		return
	}
	adfind := tool("AdFind.exe", `C:\Tools\`, "joeware.net", "AdFind", true)
	g.spawn(d, adfind, `AdFind.exe -f "objectcategory=computer" -csv name operatingSystem lastLogonTimestamp`, cmd, admin, t+20*second)
}

func (g *gen) localAdminGrant(d *device, admin *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	cmd := g.spawn(d, g.sys("cmd.exe"), `"C:\Windows\system32\cmd.exe"`, d.winlogon, admin, t)
	g.spawn(d, g.sys("net.exe"), `net.exe localgroup administrators `+domainNB+`\`+d.owner.name+` /add`, cmd, admin, t+30*second)
}

// serviceRetry is an application whose service account's password was changed
// but not its configuration: its logons fail in a burst until someone notices.
func (g *gen) serviceRetry(dst, src *device, t int64) {
	u := g.world.svc[2]
	t -= t % (15 * minute)
	for i := 0; i < 14; i++ {
		at := t + minute + int64(i)*20*second
		if !g.inWindow(at) {
			continue
		}
		g.row("DeviceLogonEvents", at).initiating(dst, dst.services).str("ActionType", "LogonFailed").str("LogonType", "Network").
			str("AccountDomain", domainLow).str("AccountName", u.name).str("AccountSid", u.sid).
			str("Protocol", "NTLM").str("FailureReason", "InvalidUserNameOrPassword").boolean("IsLocalAdmin", false).
			str("RemoteDeviceName", src.name).str("RemoteIP", src.ip).str("RemoteIPType", "Private").done()
	}
}

// onboarding is the helpdesk setting first passwords for new starters and
// adding the backup account to Backup Operators.
func (g *gen) onboarding(admin *user, t int64) {
	w := g.world
	if !g.inWindow(t) || len(w.dcs) == 0 {
		return
	}
	src := g.deviceOf(w.users[0])
	dir := func(at int64, action string, target *user, extra string) {
		g.row("IdentityDirectoryEvents", at).str("ActionType", action).str("Application", "Active Directory").
			str("TargetAccountUpn", target.upn).str("TargetAccountDisplayName", target.display).str("DestinationDeviceName", w.dcs[0].name).
			str("AccountName", admin.name).str("AccountDomain", domainDNS).str("AccountUpn", admin.upn).str("AccountSid", admin.sid).
			str("AccountObjectId", admin.objectID).str("AccountDisplayName", admin.display).str("DeviceName", src.name).
			str("IPAddress", src.ip).dyn("AdditionalFields", `{"TARGET_OBJECT.USER":"`+target.name+`"`+extra+`}`).done()
	}
	for i := 0; i < 6; i++ {
		dir(t+int64(i)*time2(1), "Account Password changed", w.users[(int(t/day)+i*3)%len(w.users)], "")
	}
	dir(t+10*minute, "Group Membership changed", w.svc[1], `,"TO.GROUP":"Backup Operators"`)
}

func (g *gen) wipeRetired(d *device, admin *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	cmd := g.spawn(d, g.sys("cmd.exe"), `"C:\Windows\system32\cmd.exe"`, d.winlogon, admin, t)
	g.spawn(d, g.sys("cipher.exe"), `cipher.exe /w:D:\Archive`, cmd, admin, t+time2(1))
}

// sqlExclusion adds the Defender exclusions Microsoft recommends for SQL Server
// data folders.
func (g *gen) sqlExclusion(d *device, admin *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	ps := g.spawn(d, g.sys("powershell.exe"), `powershell.exe -NoProfile -Command "Add-MpPreference -ExclusionPath 'D:\MSSQL\Data','D:\MSSQL\Log' -ExclusionExtension '.mdf','.ldf'"`,
		d.services, admin, t)
	g.regEvent(d, ps, t+2*second, "RegistryValueSet", `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Exclusions\Paths`,
		`D:\MSSQL\Data`, "REG_DWORD", "0")
}

// replaceTaskManager is Process Explorer's "Replace Task Manager" option: an
// Image File Execution Options debugger for taskmgr.exe.
func (g *gen) replaceTaskManager(d *device, admin *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	pe := tool("procexp64.exe", `C:\Tools\Sysinternals\`, "Sysinternals - www.sysinternals.com", "Sysinternals Process Explorer", true)
	p := g.spawn(d, pe, `"C:\Tools\Sysinternals\procexp64.exe"`, d.explorer, admin, t)
	g.regEvent(d, p, t+time2(2), "RegistryValueSet",
		`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\taskmgr.exe`,
		"Debugger", "REG_SZ", `"C:\Tools\Sysinternals\procexp64.exe"`)
}

// serviceAccountLogon is a DBA signing in to the SQL server with the service
// account to debug a job: poor practice that hunts rightly flag.
func (g *gen) serviceAccountLogon(d, src *device, t int64) {
	if !g.inWindow(t) {
		return
	}
	u := g.world.svc[0]
	g.row("DeviceLogonEvents", t).initiating(d, d.winlogon).str("ActionType", "LogonSuccess").str("LogonType", "RemoteInteractive").
		str("AccountDomain", domainLow).str("AccountName", u.name).str("AccountSid", u.sid).str("Protocol", "Negotiate").
		boolean("IsLocalAdmin", true).str("RemoteDeviceName", src.name).str("RemoteIP", src.ip).str("RemoteIPType", "Private").done()
}

// travel is a person flying abroad: a morning sign-in at home, one on arrival.
func (g *gen) travel(u *user, dayStart int64) {
	dest := cities[(int(fnv32(u.name))+1)%len(cities)]
	if dest[1] == u.country {
		dest = cities[(int(fnv32(u.name))+2)%len(cities)]
	}
	t := dayStart + 6*hour + g.rng.Int64N(hour)
	if g.inWindow(t) && g.inWindow(t+4*hour) {
		g.signin(u, t, officeIP, "0", "Microsoft Teams", u.country, true)
		g.signin(u, t+3*hour+g.rng.Int64N(hour), "198.51.100."+strconv.Itoa(200+g.rng.IntN(50)), "0", "Office 365 Exchange Online", dest[1], true)
	}
}

// install is a vendor's installer or updater, running as the local system:
// it registers its service, adds a startup shortcut and registers a COM add-in.
func (g *gen) install(d *device, t int64) {
	if !g.inWindow(t) {
		return
	}
	vendors := []struct{ file, folder, company, service string }{
		{"ZoomInstaller.exe", `C:\ProgramData\Zoom\`, "Zoom Video Communications, Inc.", "ZoomCptService"},
		{"LogiOptionsSetup.exe", `C:\ProgramData\Logishrd\`, "Logitech Inc", "LogiOptionsService"},
		{"DellUpdateSetup.exe", `C:\ProgramData\Dell\UpdateService\`, "Dell Inc", "DellClientManagementService"},
	}
	v := vendors[g.rng.IntN(len(vendors))]
	inst := tool(v.file, v.folder, v.company, v.company+" installer", true)
	p := g.spawn(d, inst, `"`+v.folder+v.file+`" /silent /install`, d.services, nil, t)
	g.regEvent(d, p, t+10*second, "RegistryValueSet", `HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\`+v.service, "ImagePath", "REG_EXPAND_SZ",
		`"C:\Program Files\`+strings.TrimSuffix(v.file, ".exe")+`\`+v.service+`.exe"`)
	g.fileEvent(d, p, t+20*second, "FileCreated", strings.TrimSuffix(v.file, "Setup.exe")+".lnk",
		userPath(`C:\Users\%USER%\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\`, d.owner), "", 2_211)
	g.spawn(d, g.sys("regsvr32.exe"), `regsvr32.exe /s "`+v.folder+`addin\OutlookAddin64.dll"`, p, nil, t+30*second)
}

func (g *gen) developer(d *device, t int64) {
	if !g.inWindow(t) {
		return
	}
	u := d.owner
	code := g.spawn(d, g.sys("Code.exe"), `"Code.exe"`, d.explorer, u, t)
	curl := g.spawn(d, g.sys("curl.exe"), userPath(`curl.exe -T C:\Users\%USER%\src\app\dist\app.zip https://`+artifactHost+`/upload/app-`, u)+strconv.Itoa(int(t/hour%10000))+".zip", code, u, t+time2(3))
	g.connect(d, curl, t+time2(3)+second, artifactHost, ipFor(artifactHost), 443, "ConnectionSuccess")
	if g.rng.IntN(2) == 0 {
		py := g.spawn(d, g.sys("python.exe"), `python.exe -m pytest tests/integration`, code, u, t+time2(10))
		const demo = "demo.staging-contoso.net"
		g.connect(d, py, t+time2(10)+2*second, demo, ipFor(demo), 8888, "ConnectionSuccess")
	}
}

// syncLibrary is OneDrive syncing a newly followed SharePoint library.
func (g *gen) syncLibrary(u *user, t int64) {
	site := "https://contoso.sharepoint.com/sites/" + u.dept + "/Shared Documents/Archive/"
	t -= t % hour
	for i := 60 + g.rng.IntN(60); i > 0; i-- {
		at := t + 5*minute + g.rng.Int64N(45*minute)
		if g.inWindow(at) {
			g.cloudEvent(u, at, "FileSyncDownloadedFull", "Microsoft OneDrive for Business", officeIP, site+"doc"+strconv.Itoa(i)+".docx", "")
		}
	}
}

// forwardRule is a person forwarding their mail to a colleague while away.
func (g *gen) forwardRule(u *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	to := g.world.users[(int(fnv32(u.name))+1)%len(g.world.users)]
	params := `,"Parameters":[{"Name":"Name","Value":"Out of office forward"},{"Name":"ForwardTo","Value":"` + to.upn +
		`"},{"Name":"StopProcessingRules","Value":"True"}]`
	g.row("CloudAppEvents", t).str("ActionType", "New-InboxRule").str("Application", "Microsoft Exchange Online").
		long("ApplicationId", 20893).str("AccountObjectId", u.objectID).str("AccountId", u.objectID).str("AccountDisplayName", u.display).
		boolean("IsAdminOperation", false).str("IPAddress", officeIP).str("CountryCode", u.country).str("ActivityType", "Edit").
		str("ObjectName", "Out of office forward").str("ObjectType", "Mailbox").
		dyn("RawEventData", `{"Operation":"New-InboxRule","UserId":"`+u.upn+`"`+params+`}`).done()
}

// installerMail is a vendor sending an installer or an HTML invoice.
func (g *gen) installerMail(u *user, t int64) {
	if !g.inWindow(t) {
		return
	}
	att := []struct{ domain, file, subject string }{
		{"tailspintoys.com", "TailspinClientSetup.msi", "Your client software"},
		{"docusign.net", "Completed_Agreement.html", "Completed: please review"},
		{"fabrikam.com", "Invoice_Q3.htm", "Invoice for Q3 services"},
	}[g.rng.IntN(3)]
	g.email(u, t, "Inbound", "billing@"+att.domain, u.upn, att.subject, []string{att.file})
}

// email writes one EmailEvents row and its EmailAttachmentInfo rows; u is the
// organisation's party (recipient of inbound mail, sender of outbound).
func (g *gen) email(u *user, t int64, direction, from, to, subject string, files []string) string {
	id := guidFrom(g.rng.Uint64(), g.rng.Uint64())
	fromDomain := from[strings.IndexByte(from, '@')+1:]
	g.row("EmailEvents", t).str("NetworkMessageId", id).str("InternetMessageId", "<"+id[:18]+"@"+fromDomain+">").
		str("SenderMailFromAddress", from).str("SenderFromAddress", from).str("SenderDisplayName", strings.Split(from, "@")[0]).
		str("SenderMailFromDomain", fromDomain).str("SenderFromDomain", fromDomain).str("SenderIPv4", ipFor(fromDomain)).
		str("RecipientEmailAddress", to).str("RecipientObjectId", u.objectID).str("Subject", subject).
		str("EmailDirection", direction).str("DeliveryAction", "Delivered").str("DeliveryLocation", "Inbox").str("ThreatTypes", "").
		str("AuthenticationDetails", `{"SPF":"pass","DKIM":"pass","DMARC":"pass"}`).long("AttachmentCount", int64(len(files))).long("UrlCount", 0).
		str("EmailLanguage", "en").str("LatestDeliveryLocation", "Inbox").str("LatestDeliveryAction", "Delivered").done()
	for _, f := range files {
		_, s256, _ := hashes(f + from)
		g.row("EmailAttachmentInfo", t).str("NetworkMessageId", id).str("SenderFromAddress", from).
			str("SenderDisplayName", strings.Split(from, "@")[0]).str("RecipientEmailAddress", to).str("RecipientObjectId", u.objectID).
			str("FileName", f).str("FileType", f[strings.LastIndexByte(f, '.')+1:]).str("SHA256", s256).
			long("FileSize", 20_000+g.rng.Int64N(8_000_000)).done()
	}
	return id
}
