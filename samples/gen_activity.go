package samples

import (
	"fmt"
	"math"
	"strings"
)

// run generates the window day by day: snapshots, background activity, and the
// attack stories on their days.
func (g *gen) run() error {
	g.world = newWorld(g.rng, g.o.Devices)
	for _, d := range g.world.devices {
		g.boot(d)
	}
	g.identityInfo()
	var stories []plannedStory
	if !g.o.NoStories {
		stories = g.planStories()
	}
	first := g.start - g.start%day
	days := int((g.end - first + day - 1) / day)
	for dayStart := first; dayStart < g.end; dayStart += day {
		weekday := int((dayStart/day + 1) % 7) // 0001-01-01 was a Monday: 0 is Sunday
		workday := weekday != 0 && weekday != 6
		for _, d := range g.world.devices {
			g.snapshot(d, dayStart)
			g.endpointDay(d, dayStart, workday)
		}
		for _, u := range g.world.users {
			g.userDay(u, dayStart, workday)
		}
		g.orgDay(dayStart, workday)
		for _, s := range stories {
			if s.at >= dayStart && s.at < dayStart+day {
				g.story = &s.Story
				s.run(g, s.at)
				g.story = nil
				g.res.Stories = append(g.res.Stories, s.Story)
			}
		}
		// A day's rows go to the sink as it ends, so that a store can
		// write the day while the next is generated.
		if err := g.flushAll(); err != nil {
			return err
		}
		if g.o.Progress != nil {
			g.o.Progress(int((dayStart-first)/day)+1, days, g.res.Total)
		}
	}
	g.fileProfiles()
	return g.flushAll()
}

// inWindow clamps a time into the window (stories near its edges).
func (g *gen) inWindow(t int64) bool { return t >= g.start && t < g.end }

// clock draws a time of day: office hours on workdays for people, round the
// clock for servers.
func (g *gen) clock(dayStart int64, office bool) int64 {
	if !office {
		return dayStart + g.rng.Int64N(day)
	}
	if g.rng.IntN(10) == 0 { // evenings and early mornings
		return dayStart + g.rng.Int64N(day)
	}
	h := 8.0 + g.rng.NormFloat64()*2.2 + 2
	h = math.Max(7, math.Min(19.5, h))
	return dayStart + int64(h*float64(hour))
}

// poisson draws a count with mean m (normal approximation for large means).
func (g *gen) poisson(m float64) int {
	if m <= 0 {
		return 0
	}
	if m > 30 {
		return max(0, int(m+g.rng.NormFloat64()*math.Sqrt(m)+0.5))
	}
	l, k, p := math.Exp(-m), 0, 1.0
	for {
		p *= g.rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// endpointDay is one device's ordinary day.
func (g *gen) endpointDay(d *device, dayStart int64, workday bool) {
	w := g.world
	rate := float64(g.o.ProcessEventsPerDeviceDay)
	office := !d.server
	if office && !workday {
		rate *= 0.1
	}
	if d.server {
		rate *= 1.5
	}
	n := g.poisson(rate)
	var recent []*proc
	if d.owner != nil && workday {
		logon := dayStart + 8*hour + g.rng.Int64N(90*minute)
		if g.inWindow(logon) {
			g.row("DeviceLogonEvents", logon).initiating(d, d.winlogon).str("ActionType", "LogonSuccess").
				str("LogonType", "Interactive").str("AccountDomain", domainLow).str("AccountName", d.owner.name).
				str("AccountSid", d.owner.sid).str("Protocol", "Negotiate").boolean("IsLocalAdmin", false).
				long("LogonId", 0x3e7+int64(fnv32(d.owner.name+d.name))%900000).done()
			d.explorer = g.spawn(d, w.byName["explorer.exe"], `C:\Windows\Explorer.EXE`, d.winlogon, d.owner, logon+20*second)
		}
		for i := g.poisson(3); i > 0; i-- {
			if t := g.clock(dayStart, true); g.inWindow(t) {
				g.row("DeviceLogonEvents", t).initiating(d, d.winlogon).str("ActionType", "LogonSuccess").
					str("LogonType", "Unlock").str("AccountDomain", domainLow).str("AccountName", d.owner.name).
					str("AccountSid", d.owner.sid).str("Protocol", "Negotiate").boolean("IsLocalAdmin", false).done()
			}
		}
	}
	if d.server {
		for i := g.poisson(6); i > 0; i-- {
			t := g.clock(dayStart, false)
			if !g.inWindow(t) {
				continue
			}
			u := w.svc[g.rng.IntN(len(w.svc))]
			action, reason := "LogonSuccess", ""
			if g.rng.IntN(40) == 0 {
				action, reason = "LogonFailed", "InvalidUserNameOrPassword"
			}
			src := w.devices[g.rng.IntN(len(w.devices))]
			g.row("DeviceLogonEvents", t).initiating(d, d.services).str("ActionType", action).str("LogonType", "Network").
				str("AccountDomain", domainLow).str("AccountName", u.name).str("AccountSid", u.sid).
				str("Protocol", "Kerberos").str("FailureReason", reason).boolean("IsLocalAdmin", false).
				str("RemoteDeviceName", src.name).str("RemoteIP", src.ip).str("RemoteIPType", "Private").done()
		}
	}
	for i := 0; i < n; i++ {
		t := g.clock(dayStart, office)
		if !g.inWindow(t) {
			continue
		}
		im := w.pick(g.rng, d)
		parent := g.parentFor(d, im, recent)
		var u *user
		if parent != nil {
			u = parent.user
		}
		if d.server && im.parent == "explorer.exe" && g.rng.IntN(3) == 0 {
			u = w.admins[g.rng.IntN(len(w.admins))]
		}
		cmd := im.cmds[g.rng.IntN(len(im.cmds))]
		p := g.spawn(d, im, cmd, parent, u, t)
		recent = append(recent, p)
		if len(recent) > 64 {
			recent = recent[32:]
		}
		g.sideEffects(d, p, t)
	}
	// Background system events: antivirus scans and a few scheduled-task runs.
	if t := dayStart + 2*hour + g.rng.Int64N(hour); g.inWindow(t) {
		g.row("DeviceEvents", t).initiating(d, d.services).str("ActionType", "AntivirusScanCompleted").
			dyn("AdditionalFields", `{"ScanTypeIndex":"Quick"}`).done()
	}
}

// sideEffects writes what a new process does: connections, files, registry
// values, loaded libraries, in proportion to the process events.
func (g *gen) sideEffects(d *device, p *proc, t int64) {
	w := g.world
	im := p.img
	if im.network {
		for k := 1 + g.rng.IntN(2); k > 0; k-- {
			var host string
			if g.rng.IntN(50) == 0 {
				host = w.rareSites[g.rng.IntN(len(w.rareSites))]
			} else {
				host = w.domains[min(len(w.domains)-1, int(g.rng.ExpFloat64()*4))]
			}
			port := int64(443)
			if g.rng.IntN(12) == 0 {
				port = 80
			}
			action := "ConnectionSuccess"
			if g.rng.IntN(30) == 0 {
				action = "ConnectionFailed"
			}
			g.connect(d, p, t+int64(k)*second+g.rng.Int64N(second), host, ipFor(host), port, action)
		}
	} else if g.rng.IntN(4) == 0 && p.parent != nil {
		// Name resolution through the system's services.
		dc := d
		if len(w.dcs) > 0 {
			dc = w.dcs[0]
		}
		g.connect(d, d.svchost, t+second/2, "", dc.ip, 53, "ConnectionSuccess")
	}
	switch {
	case im.file == "WINWORD.EXE" || im.file == "EXCEL.EXE":
		ext := map[string]string{"WINWORD.EXE": ".docx", "EXCEL.EXE": ".xlsx"}[im.file]
		name := []string{"Report", "Budget", "Minutes", "Plan", "Forecast", "Invoice"}[g.rng.IntN(6)] + fmt.Sprint(g.rng.IntN(40)) + ext
		g.fileEvent(d, p, t+30*second, "FileModified", name, userPath(`C:\Users\%USER%\Documents\`, p.user), "", 20_000+g.rng.Int64N(900_000))
	case im.file == "msedge.exe" || im.file == "chrome.exe":
		if g.rng.IntN(6) == 0 {
			host := w.domains[g.rng.IntN(len(w.domains))]
			name := []string{"setup", "statement", "slides", "photo", "data"}[g.rng.IntN(5)] + fmt.Sprint(g.rng.IntN(100)) +
				[]string{".pdf", ".zip", ".pptx", ".jpg", ".csv"}[g.rng.IntN(5)]
			g.fileEvent(d, p, t+10*second, "FileCreated", name, userPath(`C:\Users\%USER%\Downloads\`, p.user), "https://"+host+"/files/"+name, 50_000+g.rng.Int64N(4_000_000))
		}
	case g.rng.IntN(3) == 0:
		folder := `C:\Windows\Temp\`
		if p.user != nil {
			folder = userPath(`C:\Users\%USER%\AppData\Local\Temp\`, p.user)
		}
		g.fileEvent(d, p, t+2*second, []string{"FileCreated", "FileModified", "FileDeleted"}[g.rng.IntN(3)],
			fmt.Sprintf("tmp%04X.tmp", g.rng.IntN(65536)), folder, "", 1000+g.rng.Int64N(100_000))
	}
	if g.rng.IntN(3) == 0 {
		key := []string{
			`HKEY_CURRENT_USER\S-1-5-21-0\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs`,
			`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Signature Updates`,
			`HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\bam\State\UserSettings`,
			`HKEY_CURRENT_USER\S-1-5-21-0\Software\Microsoft\Office\16.0\Common\Roaming`,
		}[g.rng.IntN(4)]
		g.regEvent(d, p, t+3*second, "RegistryValueSet", key, fmt.Sprintf("v%d", g.rng.IntN(20)), "REG_BINARY", fmt.Sprintf("%x", g.rng.Uint32()))
	}
	if g.rng.IntN(4) == 0 {
		dll := w.dlls[g.rng.IntN(len(w.dlls))]
		g.row("DeviceImageLoadEvents", t+second/10).initiating(d, p).str("ActionType", "ImageLoaded").str("FileName", dll.file).
			str("FolderPath", dll.folder).str("SHA1", dll.sha1).str("SHA256", dll.sha256).str("MD5", dll.md5).long("FileSize", dll.size).done()
	}
	if im.file == "powershell.exe" {
		g.row("DeviceEvents", t+5*second).initiating(d, p).str("ActionType", "PowerShellCommand").
			dyn("AdditionalFields", `{"Command":"Get-Service"}`).done()
	}
}

// snapshot writes a device's daily DeviceInfo and DeviceNetworkInfo rows.
func (g *gen) snapshot(d *device, dayStart int64) {
	t := dayStart + hour + int64(fnv32(d.name)%3600)*second
	if !g.inWindow(t) {
		return
	}
	typ := "Workstation"
	if d.server {
		typ = "Server"
	}
	logged := "[]"
	if d.owner != nil {
		logged = fmt.Sprintf(`[{"UserName":"%s","DomainName":"%s","Sid":"%s"}]`, d.owner.name, domainNB, d.owner.sid)
	}
	g.row("DeviceInfo", t).str("DeviceId", d.id).str("DeviceName", d.name).str("ClientVersion", "10.8760.22621.3593").
		str("PublicIP", officeIP).str("OSArchitecture", "64-bit").str("OSPlatform", d.os).long("OSBuild", d.osBuild).
		boolean("IsAzureADJoined", !d.server).str("JoinType", "Hybrid Azure AD Join").str("LoggedOnUsers", logged).
		str("OSVersion", d.osVersion).str("MachineGroup", strings.ToUpper(d.role)).str("OnboardingStatus", "Onboarded").
		str("DeviceCategory", "Endpoint").str("DeviceType", typ).str("Vendor", "Dell Inc.").str("Model", "Latitude 7440").
		str("OSDistribution", "Windows").str("SensorHealthState", "Active").str("ExposureLevel", []string{"Low", "Medium", "High"}[fnv32(d.id)%3]).
		str("AssetValue", "Normal").boolean("IsInternetFacing", d.role == "web").boolean("IsExcluded", false).boolean("IsTransient", false).done()
	g.certificates(d, t)
	g.row("DeviceNetworkInfo", t).str("DeviceId", d.id).str("DeviceName", d.name).str("NetworkAdapterName", "Ethernet").
		str("MacAddress", d.mac).str("NetworkAdapterType", "Ethernet").str("NetworkAdapterStatus", "Up").str("TunnelType", "None").
		str("ConnectedNetworks", `[{"Name":"corp.contoso.com","Category":"Domain","IsConnectedToInternet":true}]`).
		str("DnsAddresses", `["10.0.0.10"]`).str("DefaultGateways", `["10.0.0.1"]`).
		str("IPAddresses", fmt.Sprintf(`[{"IPAddress":"%s","SubnetPrefix":24,"AddressType":"Private"}]`, d.ip)).
		str("NetworkAdapterVendor", "Intel").str("OnboardingStatus", "Onboarded").str("NetworkAdapterDnsSuffix", domainDNS).done()
}

// certificates writes DeviceFileCertificateInfo rows for a few signed programs
// a device runs.
func (g *gen) certificates(d *device, t int64) {
	for i := 0; i < 3; i++ {
		im := g.world.pick(g.rng, d)
		if im.signer == "" {
			continue
		}
		g.row("DeviceFileCertificateInfo", t+int64(i)*second).str("DeviceId", d.id).str("DeviceName", d.name).str("SHA1", im.sha1).
			boolean("IsSigned", true).str("SignatureType", "Embedded").str("Signer", im.signer).str("SignerHash", im.sha1[:40]).
			str("Issuer", im.signer+" Code Signing PCA 2011").str("IssuerHash", im.md5+"00000000").str("CertificateSerialNumber", im.md5[:20]).
			time("CertificateCreationTime", g.start-400*day).time("CertificateExpirationTime", g.end+300*day).
			boolean("IsTrusted", true).boolean("IsRootSignerMicrosoft", im.company == "Microsoft Corporation").done()
	}
}

// identityInfo writes one IdentityInfo row per account at the window's start.
func (g *gen) identityInfo() {
	w := g.world
	all := append(append(append([]*user{}, w.users...), w.admins...), w.svc...)
	for _, u := range all {
		first, last, _ := strings.Cut(u.display, " ")
		typ := "User"
		if u.service {
			typ = "ServiceAccount"
		}
		g.row("IdentityInfo", g.start+hour).str("AccountObjectId", u.objectID).str("AccountUpn", u.upn).str("OnPremSid", u.sid).
			str("AccountDisplayName", u.display).str("AccountName", u.name).str("AccountDomain", domainDNS).
			str("Type", typ).str("GivenName", first).str("Surname", last).str("Department", u.dept).str("JobTitle", u.title).
			str("EmailAddress", u.upn).str("City", u.city).str("Country", u.country).boolean("IsAccountEnabled", true).
			str("TenantId", tenantID).str("SourceSystem", "ActiveDirectory").str("AccountUPN", u.upn).str("AccountSID", u.sid).
			str("MailAddress", u.upn).str("SAMAccountName", u.name).boolean("IsServiceAccount", u.service).done()
	}
}

// userDay is one person's mail, sign-ins, cloud activity and domain logons.
func (g *gen) userDay(u *user, dayStart int64, workday bool) {
	w := g.world
	scale := 1.0
	if !workday {
		scale = 0.1
	}
	for i := g.poisson(6 * scale); i > 0; i-- {
		if t := g.clock(dayStart, true); g.inWindow(t) {
			g.mail(u, t, w.senders[min(len(w.senders)-1, int(g.rng.ExpFloat64()*3))], "", "", false)
		}
	}
	for i := g.poisson(2 * scale); i > 0; i-- {
		if t := g.clock(dayStart, true); g.inWindow(t) {
			ip := officeIP
			if g.rng.IntN(4) == 0 {
				ip = fmt.Sprintf("198.51.100.%d", 1+fnv32(u.name)%250)
			}
			result := "0"
			if g.rng.IntN(30) == 0 {
				result = "50126"
			}
			g.signin(u, t, ip, result, []string{"Office 365 Exchange Online", "Microsoft Teams", "Office 365 SharePoint Online", "Microsoft Office"}[g.rng.IntN(4)], u.country, true)
		}
	}
	for i := g.poisson(4 * scale); i > 0; i-- {
		if t := g.clock(dayStart, true); g.inWindow(t) {
			g.signin(u, t, officeIP, "0", "Microsoft Authentication Broker", u.country, false)
		}
	}
	for i := g.poisson(4 * scale); i > 0; i-- {
		if t := g.clock(dayStart, true); g.inWindow(t) {
			action := []string{"FileAccessed", "FileModified", "FileDownloaded", "MailItemsAccessed", "MessageSent"}[g.rng.IntN(5)]
			app := "Microsoft SharePoint Online"
			switch action {
			case "MailItemsAccessed":
				app = "Microsoft Exchange Online"
			case "MessageSent":
				app = "Microsoft Teams"
			}
			g.cloudEvent(u, t, action, app, officeIP, fmt.Sprintf("https://contoso.sharepoint.com/sites/%s/Shared Documents/file%d.docx", u.dept, g.rng.IntN(200)), "")
		}
	}
	if workday && g.rng.IntN(40) == 0 {
		if t := g.clock(dayStart, true); g.inWindow(t) && len(w.dcs) > 0 {
			g.row("IdentityDirectoryEvents", t).str("ActionType", "Account Password changed").str("Application", "Active Directory").
				str("TargetAccountUpn", u.upn).str("TargetAccountDisplayName", u.display).str("DestinationDeviceName", w.dcs[0].name).
				str("AccountName", u.name).str("AccountDomain", domainDNS).str("AccountUpn", u.upn).str("AccountSid", u.sid).
				str("AccountObjectId", u.objectID).str("AccountDisplayName", u.display).str("DeviceName", g.deviceOf(u).name).
				str("IPAddress", g.deviceOf(u).ip).dyn("AdditionalFields", `{"TARGET_OBJECT.USER":"`+u.name+`"}`).done()
		}
	}
	if len(w.dcs) > 0 && workday {
		dc := w.dcs[int(fnv32(u.name))%len(w.dcs)]
		if t := dayStart + 8*hour + g.rng.Int64N(2*hour); g.inWindow(t) {
			src := g.deviceOf(u)
			g.row("IdentityLogonEvents", t).str("ActionType", "LogonSuccess").str("Application", "Active Directory").
				str("LogonType", "Resource access").str("Protocol", "Kerberos").str("AccountName", u.name).
				str("AccountDomain", domainDNS).str("AccountUpn", u.upn).str("AccountSid", u.sid).str("AccountObjectId", u.objectID).
				str("AccountDisplayName", u.display).str("DeviceName", src.name).str("DeviceType", "Workstation").
				str("OSPlatform", src.os).str("IPAddress", src.ip).long("Port", 49152+g.rng.Int64N(16000)).
				str("DestinationDeviceName", dc.name).str("DestinationIPAddress", dc.ip).long("DestinationPort", 88).
				dyn("AdditionalFields", `{"Spns":"krbtgt/CORP.CONTOSO.COM"}`).done()
		}
	}
}

// deviceOf is a person's workstation (the first server when they have none).
func (g *gen) deviceOf(u *user) *device {
	for _, d := range g.world.devices {
		if d.owner == u {
			return d
		}
	}
	return g.world.devices[len(g.world.devices)-1]
}

// mail writes an inbound message to a person, with its URL; it returns the
// message id and the URL.
func (g *gen) mail(u *user, t int64, senderDomain, subject, url string, phish bool) (string, string) {
	id := guidFrom(g.rng.Uint64(), g.rng.Uint64())
	sender := []string{"news", "billing", "team", "no-reply", "j.doe", "support"}[g.rng.IntN(6)] + "@" + senderDomain
	if subject == "" {
		subject = []string{"Weekly update", "Invoice %d", "Meeting notes", "Your order %d", "Action required: review", "Project status %d"}[g.rng.IntN(6)]
		if strings.Contains(subject, "%d") {
			subject = fmt.Sprintf(subject, 1000+g.rng.IntN(9000))
		}
	}
	if url == "" && g.rng.IntN(2) == 0 {
		url = "https://" + senderDomain + "/r/" + fmt.Sprint(g.rng.IntN(100000))
	}
	action, threats, location := "Delivered", "", "Inbox"
	if !phish {
		switch g.rng.IntN(40) {
		case 0:
			action, threats, location = "Junked", "Spam", "Junk folder"
		case 1:
			action, threats, location = "Blocked", "Phish", "Quarantine"
		}
	}
	urls, attachments := 0, 0
	if url != "" {
		urls = 1
	}
	var attachment string
	if !phish && g.rng.IntN(5) == 0 {
		attachment = []string{"invoice", "agenda", "report", "statement", "photo"}[g.rng.IntN(5)] + fmt.Sprint(g.rng.IntN(1000)) +
			[]string{".pdf", ".docx", ".xlsx", ".png"}[g.rng.IntN(4)]
		attachments = 1
	}
	g.row("EmailEvents", t).str("NetworkMessageId", id).str("InternetMessageId", "<"+id[:18]+"@"+senderDomain+">").
		str("SenderMailFromAddress", sender).str("SenderFromAddress", sender).str("SenderDisplayName", strings.Split(sender, "@")[0]).
		str("SenderMailFromDomain", senderDomain).str("SenderFromDomain", senderDomain).str("SenderIPv4", ipFor(senderDomain)).
		str("RecipientEmailAddress", u.upn).str("RecipientObjectId", u.objectID).str("Subject", subject).
		str("EmailDirection", "Inbound").str("DeliveryAction", action).str("DeliveryLocation", location).str("ThreatTypes", threats).
		str("AuthenticationDetails", `{"SPF":"pass","DKIM":"pass","DMARC":"pass"}`).long("AttachmentCount", int64(attachments)).long("UrlCount", int64(urls)).
		str("EmailLanguage", "en").str("LatestDeliveryLocation", location).str("LatestDeliveryAction", action).done()
	if attachment != "" {
		_, s256, _ := hashes(attachment + senderDomain)
		ext := attachment[strings.LastIndexByte(attachment, '.')+1:]
		g.row("EmailAttachmentInfo", t).str("NetworkMessageId", id).str("SenderFromAddress", sender).
			str("SenderDisplayName", strings.Split(sender, "@")[0]).str("RecipientEmailAddress", u.upn).str("RecipientObjectId", u.objectID).
			str("FileName", attachment).str("FileType", ext).str("SHA256", s256).long("FileSize", 10_000+g.rng.Int64N(2_000_000)).done()
	}
	if threats == "Spam" && g.rng.IntN(3) == 0 {
		g.zap(u, id, t+hour, "Spam ZAP", "Spam")
	}
	if url != "" {
		g.row("EmailUrlInfo", t).str("NetworkMessageId", id).str("Url", url).str("UrlDomain", hostOf(url)).str("UrlLocation", "Body").done()
		if action == "Delivered" && g.rng.IntN(8) == 0 && !phish {
			g.row("UrlClickEvents", t+g.rng.Int64N(2*hour)).str("Url", url).str("ActionType", "ClickAllowed").str("AccountUpn", u.upn).
				str("Workload", "Email").str("NetworkMessageId", id).str("IPAddress", officeIP).boolean("IsClickedThrough", false).done()
		}
	}
	return id, url
}

// zap writes the post-delivery removal of a message.
func (g *gen) zap(u *user, id string, t int64, action, threat string) {
	g.row("EmailPostDeliveryEvents", t).str("NetworkMessageId", id).str("Action", "Moved to quarantine").str("ActionType", action).
		str("ActionTrigger", "SpecialAction").str("ActionResult", "Success").str("RecipientEmailAddress", u.upn).
		str("DeliveryLocation", "Quarantine").str("SourceLocation", "Inbox").str("ThreatTypes", threat).
		str("DetectionMethods", `{"`+threat+`":["URL detonation reputation"]}`).done()
}

// signin writes an Entra ID sign-in to the interactive (and the Defender) or the
// non-interactive log.
func (g *gen) signin(u *user, t int64, ip, result, app, country string, interactive bool) {
	table := "AADNonInteractiveUserSignInLogs"
	if interactive {
		table = "SigninLogs"
	}
	desc := ""
	if result == "50126" {
		desc = "Invalid username or password or Invalid on-premise username or password."
	}
	id := guidFrom(g.rng.Uint64(), g.rng.Uint64())
	g.row(table, t).str("UserPrincipalName", u.upn).str("UserDisplayName", u.display).str("UserId", u.objectID).
		str("AppDisplayName", app).str("IPAddress", ip).str("ResultType", result).str("ResultDescription", desc).
		str("Location", country).str("Id", id).str("CorrelationId", id).str("ClientAppUsed", "Browser").
		str("UserAgent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0").
		str("Category", table).str("OperationName", "Sign-in activity").str("Type", table).str("UserType", "Member").
		str("AuthenticationRequirement", "singleFactorAuthentication").str("ConditionalAccessStatus", "success").
		dyn("LocationDetails", fmt.Sprintf(`{"countryOrRegion":"%s","city":"%s"}`, country, u.city)).done()
	if interactive {
		code := int64(0)
		fmt.Sscan(result, &code)
		g.row("AADSignInEventsBeta", t).str("Application", app).str("LogonType", `["interactiveUser"]`).long("ErrorCode", code).
			str("CorrelationId", id).str("AccountDisplayName", u.display).str("AccountObjectId", u.objectID).str("AccountUpn", u.upn).
			str("IPAddress", ip).str("Country", country).str("City", u.city).str("ClientAppUsed", "Browser").
			str("UserAgent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)").done()
	}
}

// cloudEvent writes a CloudAppEvents row.
func (g *gen) cloudEvent(u *user, t int64, action, app, ip, object, extra string) string {
	raw := fmt.Sprintf(`{"Operation":"%s","UserId":"%s","ObjectId":"%s"%s}`, action, u.upn, jsonEscape(object), extra)
	return g.row("CloudAppEvents", t).str("ActionType", action).str("Application", app).long("ApplicationId", int64(fnv32(app)%30000)).
		str("AccountObjectId", u.objectID).str("AccountId", u.objectID).str("AccountDisplayName", u.display).
		boolean("IsAdminOperation", false).str("DeviceType", "Desktop").str("OSPlatform", "Windows").str("IPAddress", ip).
		boolean("IsAnonymousProxy", false).str("CountryCode", u.country).str("City", u.city).str("ActivityType", "Basic").
		str("ObjectName", object).str("ObjectType", "File").str("AccountType", "Regular").boolean("IsExternalUser", false).
		boolean("IsImpersonated", false).dyn("RawEventData", raw).dyn("ActivityObjects", "[]").done()
}

func jsonEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return r.Replace(s)
}

func guidFrom(a, b uint64) string {
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a), uint16(b>>48), b&0xffffffffffff)
}
