package functions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// parse_user_agent(ua, look_for): the browser, operating system and device a
// user-agent string names, as a dynamic bag with a "Browser", "OperatingSystem"
// and "Device" part for each target asked for ("browser", "os", "device"; one as a
// string or several as a dynamic array). A browser is {Family, MajorVersion,
// MinorVersion, Patch}, an OS {Family, MajorVersion, MinorVersion, Patch,
// PatchMinor}, a device {Family, Brand, Model}; every field is a string, "" when
// the string does not say, and a family nothing matches is "Other". The rules
// below follow the families and version splits of the ua-parser conventions Kusto
// reports for the common browsers, systems and devices; the first rule that
// matches wins, so the more specific ones come first.

func init() {
	scalar("parse_user_agent", 2, 2, "The browser, OS and device of a user-agent string, as a dynamic bag of the parts asked for (\"browser\", \"os\", \"device\")",
		userAgentCheck, userAgentEval)
}

// The parse targets, as bits.
const (
	uaBrowser = 1 << iota
	uaOS
	uaDevice
)

var uaTargets = map[string]int{"browser": uaBrowser, "os": uaOS, "device": uaDevice}

func userAgentCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	if !isTextual(args[0]) {
		return types.Unknown, argErr(name, textArg.as("the user-agent string"), args[0])
	}
	if !isTextual(args[1]) {
		return types.Unknown, argErr(name, param{desc: "a string or a dynamic array", role: "look_for"}, args[1])
	}
	if c := consts[1]; c != nil && !c.Null {
		var v any = c.S
		if c.Type == types.Dynamic {
			v = c.D
		}
		if _, bad := uaLookFor(v); bad != "" {
			return types.Unknown, fmt.Errorf("%s(): unknown look_for target %q; expected \"browser\", \"os\" or \"device\"", name, bad)
		}
	}
	return types.Dynamic, nil
}

// uaLookFor reads the targets; bad is the first one that is not a target.
func uaLookFor(v any) (mask int, bad string) {
	one := func(s string) {
		if m, ok := uaTargets[strings.ToLower(strings.TrimSpace(s))]; ok {
			mask |= m
		} else if bad == "" {
			bad = s
		}
	}
	switch x := v.(type) {
	case string:
		one(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				one(s)
			} else if bad == "" {
				bad = types.DynamicToJSON(e)
			}
		}
	}
	return mask, bad
}

func userAgentEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	uas := texts(args[0], n)
	out := newVec(types.Dynamic, n)
	for i, ua := range uas {
		if nullAt(args[1], i) {
			out.SetNull(i)
			continue
		}
		var want any
		if args[1].Type == types.Dynamic {
			want = args[1].Dyn[i]
		} else {
			want = args[1].Strs[i]
		}
		mask, _ := uaLookFor(want)
		if mask == 0 {
			out.SetNull(i)
			continue
		}
		bag := map[string]any{}
		if mask&uaBrowser != 0 {
			bag["Browser"] = parseBrowser(ua)
		}
		if mask&uaOS != 0 {
			bag["OperatingSystem"] = parseUAOS(ua)
		}
		if mask&uaDevice != 0 {
			bag["Device"] = parseUADevice(ua)
		}
		out.Dyn[i] = bag
	}
	return out, nil
}

// uaRule is one pattern: the version parts are its capture groups, in order; a
// family with $1 takes the first group as the family and the rest as the version.
type uaRule struct {
	re     *regexp.Regexp
	family string
}

func uaRules(pairs ...string) []uaRule {
	rules := make([]uaRule, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		rules = append(rules, uaRule{re: regexp.MustCompile(pairs[i]), family: pairs[i+1]})
	}
	return rules
}

// The version pattern: major, then optional minor and patch.
const uaVer = `(\d+)(?:\.(\d+))?(?:\.(\d+))?`

var browserRules = uaRules(
	`EdgiOS/`+uaVer, "Edge Mobile",
	`EdgA/`+uaVer, "Edge Mobile",
	`Edge?/`+uaVer, "Edge",
	`Opera Mini/`+uaVer, "Opera Mini",
	`OPR/`+uaVer, "Opera",
	`Opera/.*Version/`+uaVer, "Opera",
	`Opera[/ ]`+uaVer, "Opera",
	`SamsungBrowser/`+uaVer, "Samsung Internet",
	`YaBrowser/`+uaVer, "Yandex Browser",
	`Vivaldi/`+uaVer, "Vivaldi",
	`CriOS/`+uaVer, "Chrome Mobile iOS",
	`FxiOS/`+uaVer, "Firefox iOS",
	`AdobeAIR/`+uaVer, "AdobeAIR",
	`HeadlessChrome/`+uaVer, "HeadlessChrome",
	`; wv\).*Chrome/`+uaVer, "Chrome Mobile WebView",
	`Android.*Chrome/`+uaVer+`.* Mobile`, "Chrome Mobile",
	`Chromium/`+uaVer, "Chromium",
	`Chrome/`+uaVer, "Chrome",
	`(?:Mobile|Tablet);.*Firefox/`+uaVer, "Firefox Mobile",
	`Firefox/`+uaVer, "Firefox",
	`MSIE `+uaVer, "IE",
	`Trident/.*rv:`+uaVer, "IE",
	`Series60/`+uaVer+`.*Nokia`, "Nokia OSS Browser",
	`Version/`+uaVer+`.*Mobile.*Safari/`, "Mobile Safari",
	`(?:iPhone|iPad|iPod).*Version/`+uaVer+`.*Safari/`, "Mobile Safari",
	`(?:iPhone|iPad|iPod).*AppleWebKit/`, "Mobile Safari UI/WKWebView",
	`Version/`+uaVer+`.*Safari/`, "Safari",
	`(?i)(?:Googlebot|bingbot|YandexBot|DuckDuckBot|Baiduspider|Applebot)`, "$0",
	`\bcurl/`+uaVer, "curl",
	`\bWget/`+uaVer, "Wget",
	`python-requests/`+uaVer, "Python Requests",
	`Python-urllib/`+uaVer, "Python-urllib",
	`Go-http-client/`+uaVer, "Go-http-client",
	`okhttp/`+uaVer, "okhttp",
	`(?:Windows)?PowerShell/`+uaVer, "PowerShell",
)

// parseBrowser gives the Browser part.
func parseBrowser(ua string) map[string]any {
	family, v := matchUA(browserRules, ua)
	return map[string]any{"Family": family, "MajorVersion": v[0], "MinorVersion": v[1], "Patch": v[2]}
}

var osRules = uaRules(
	`Windows Phone(?: OS)? `+uaVer, "Windows Phone",
	`Windows NT (\d+\.\d+)`, "Windows",
	`Windows (XP|Vista|7|8|10|11)\b`, "Windows",
	`CPU (?:iPhone )?OS (\d+)_(\d+)(?:_(\d+))?`, "iOS",
	`(?:iPhone|iPad|iPod).* OS (\d+)_(\d+)(?:_(\d+))?`, "iOS",
	`Android[ /-]?`+uaVer, "Android",
	`Android`, "Android",
	`CrOS \S+ `+uaVer, "Chrome OS",
	`Mac OS X (\d+)[_.](\d+)(?:[_.](\d+))?`, "Mac OS X",
	`Mac OS X`, "Mac OS X",
	`SymbianOS/`+uaVer, "Symbian OS",
	`Ubuntu(?:/`+uaVer+`)?`, "Ubuntu",
	`Fedora`, "Fedora",
	`FreeBSD`, "FreeBSD",
	`Linux`, "Linux",
	`Windows`, "Windows",
)

// windowsNT names the Windows release of an NT version, split as Kusto reports it:
// NT 6.3 is major "8", minor "1"; NT 6.1 is major "7".
var windowsNT = map[string][2]string{
	"10.0": {"10", ""}, "6.4": {"10", ""}, "6.3": {"8", "1"}, "6.2": {"8", ""}, "6.1": {"7", ""},
	"6.0": {"Vista", ""}, "5.2": {"XP", ""}, "5.1": {"XP", ""}, "5.01": {"2000", ""}, "5.0": {"2000", ""},
}

// parseUAOS gives the OperatingSystem part.
func parseUAOS(ua string) map[string]any {
	family, v := matchUA(osRules, ua)
	if family == "Windows" {
		if r, ok := windowsNT[v[0]]; ok {
			v[0], v[1] = r[0], r[1]
		} else if strings.Contains(v[0], ".") {
			v[0], v[1], _ = strings.Cut(v[0], ".")
		}
	}
	return map[string]any{"Family": family, "MajorVersion": v[0], "MinorVersion": v[1], "Patch": v[2], "PatchMinor": ""}
}

var (
	uaAndroidModel = regexp.MustCompile(`Android[^;)]*;(?:\s*[a-z]{2}[-_][a-zA-Z]{2};)?\s*([^;)]+?)(?:\s+Build/[^;)]*)?\s*[;)]`)
	uaNokia        = regexp.MustCompile(`Nokia ?([A-Za-z0-9]+)`)
	uaSpider       = regexp.MustCompile(`(?i)bot\b|spider|crawler|slurp`)
)

// parseUADevice gives the Device part.
func parseUADevice(ua string) map[string]any {
	dev := func(family, brand, model string) map[string]any {
		return map[string]any{"Family": family, "Brand": brand, "Model": model}
	}
	switch {
	case uaSpider.MatchString(ua):
		return dev("Spider", "Spider", "Desktop")
	case strings.Contains(ua, "iPhone"):
		return dev("iPhone", "Apple", "iPhone")
	case strings.Contains(ua, "iPad"):
		return dev("iPad", "Apple", "iPad")
	case strings.Contains(ua, "iPod"):
		return dev("iPod", "Apple", "iPod")
	case strings.Contains(ua, "Macintosh"):
		return dev("Mac", "Apple", "Mac")
	}
	if m := uaNokia.FindStringSubmatch(ua); m != nil {
		return dev("Nokia "+m[1], "Nokia", m[1])
	}
	if strings.Contains(ua, "Android") {
		m := uaAndroidModel.FindStringSubmatch(ua)
		if m == nil || m[1] == "K" || strings.HasPrefix(m[1], "Linux") {
			if strings.Contains(ua, "Mobile") {
				return dev("Generic Smartphone", "Generic", "Smartphone")
			}
			return dev("Generic Tablet", "Generic", "Tablet")
		}
		model := strings.TrimSpace(m[1])
		switch {
		case strings.HasPrefix(model, "SAMSUNG "), strings.HasPrefix(model, "Samsung "):
			model = model[len("samsung "):]
			fallthrough
		case strings.HasPrefix(model, "SM-"), strings.HasPrefix(model, "GT-"):
			return dev("Samsung "+model, "Samsung", model)
		case strings.HasPrefix(model, "Pixel"):
			return dev(model, "Google", model)
		}
		return dev(model, "Generic_Android", model)
	}
	return dev("Other", "", "")
}

// matchUA runs rules in order: the first match gives the family and up to three
// version parts ("" where absent).
func matchUA(rules []uaRule, ua string) (string, [3]string) {
	var v [3]string
	for _, r := range rules {
		m := r.re.FindStringSubmatch(ua)
		if m == nil {
			continue
		}
		family := r.family
		if family == "$0" {
			return m[0], v
		}
		copy(v[:], m[1:])
		return family, v
	}
	return "Other", v
}
