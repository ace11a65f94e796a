package functions

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// parse_xml: XML text to a dynamic value, the way Kusto maps it. The document is a
// bag holding its root element. An element with neither attributes nor content is
// null, one with only text is that text, and any other is a bag: attributes under
// "@name", child elements under their names (an array when a name repeats) and
// text under "#text" (an array when text is split by child elements). Names keep
// their namespace prefix as written ("soap:Body", "@xmlns:soap"). Only elements,
// attributes and text count: the declaration, comments, processing instructions
// and the doctype are skipped, CDATA is text, and text that is only white space
// between elements is dropped. Text that is not well-formed XML, or longer than
// 1 MB, gives null.

func init() {
	scalar("parse_xml", 1, 1, "XML text as a dynamic value: elements become bags, attributes \"@name\", text \"#text\", repeated elements arrays; null when not XML",
		sig(types.Dynamic, textArg), parseXMLEval)
}

// maxXMLInput is the longest text parse_xml reads, as Kusto documents.
const maxXMLInput = 1 << 20

// maxXMLDepth bounds element nesting, so that hostile input cannot make the result
// deeper than dynamic values may be.
const maxXMLDepth = 1000

func parseXMLEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	in := texts(args[0], n)
	out := newVec(types.Dynamic, n)
	for i, s := range in {
		if nullAt(args[0], i) {
			out.SetNull(i)
			continue
		}
		setDyn(out, i, parseXML(s))
	}
	return out, nil
}

// xmlElem is an element being read: its name and the members of its bag so far.
type xmlElem struct {
	name  string
	attrs []xmlMember
	kids  []xmlMember // child elements and text, in document order
}

// xmlMember is one attribute, child element or piece of text of an element.
type xmlMember struct {
	key string // "@attr", "#text" or the child's name
	val any
}

// parseXML reads one document; nil when it is not well-formed.
func parseXML(s string) any {
	if len(s) > maxXMLInput {
		return nil
	}
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	// The text is already decoded; a declared encoding changes nothing.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var stack []*xmlElem
	var root any
	seenRoot := false
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && seenRoot || len(stack) >= maxXMLDepth {
				return nil // a second root, or too deep
			}
			e := &xmlElem{name: xmlName(t.Name)}
			for _, a := range t.Attr {
				e.attrs = append(e.attrs, xmlMember{key: "@" + xmlName(a.Name), val: a.Value})
			}
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != xmlName(t.Name) {
				return nil
			}
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			v := e.value()
			if len(stack) == 0 {
				root, seenRoot = map[string]any{e.name: v}, true
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, xmlMember{key: e.name, val: v})
			}
		case xml.CharData:
			if len(stack) == 0 {
				if strings.TrimSpace(string(t)) != "" {
					return nil // text outside the root
				}
				continue
			}
			p := stack[len(stack)-1]
			if k := len(p.kids); k > 0 && p.kids[k-1].key == "#text" {
				// Text split by a comment or CDATA is one piece.
				p.kids[k-1].val = p.kids[k-1].val.(string) + string(t)
			} else {
				p.kids = append(p.kids, xmlMember{key: "#text", val: string(t)})
			}
		}
	}
	if len(stack) > 0 || !seenRoot {
		return nil
	}
	return root
}

// xmlName writes a name as the document does, with its prefix.
func xmlName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// value is the dynamic form of a finished element.
func (e *xmlElem) value() any {
	kids := e.kids[:0:0]
	for _, k := range e.kids {
		if k.key == "#text" && strings.TrimSpace(k.val.(string)) == "" {
			continue // white space between elements
		}
		kids = append(kids, k)
	}
	if len(e.attrs) == 0 {
		switch {
		case len(kids) == 0:
			return nil
		case len(kids) == 1 && kids[0].key == "#text":
			return kids[0].val
		}
	}
	bag := make(map[string]any, len(e.attrs)+len(kids))
	for _, a := range e.attrs {
		bag[a.key] = a.val
	}
	// A name that repeats collects its values into an array, in document order,
	// wherever the repeats are.
	count := map[string]int{}
	for _, k := range kids {
		count[k.key]++
	}
	for _, k := range kids {
		if count[k.key] == 1 {
			bag[k.key] = k.val
			continue
		}
		arr, _ := bag[k.key].([]any)
		bag[k.key] = append(arr, k.val)
	}
	return bag
}
