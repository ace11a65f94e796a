package planner

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// maxExternalRows caps the rows externaldata may read.
const maxExternalRows = 1_000_000

// externalData binds `externaldata (Col:type, ...) [ "uri", ... ] [with (...)]`.
// Spoor does not reach outside its store by itself: a source is read only
// when Options.Host.ExternalData permits it, only when it is an http(s) URL
// or a file path, and only through Options.Host.Open. The rows are read
// while binding and become a constant table. Formats: csv (the default) and
// json (one object per line), chosen by `format` or by the source's
// extension; `ignoreFirstRecord=true` skips a CSV header. A cell that does
// not convert to its column's type is null.
// A source outside the allow-list binds to a Refused node, so the rest of
// the query is checked and running it fails with the refusal.
// https://learn.microsoft.com/kusto/query/externaldata-operator
func (b *binder) externalData(o *parser.ExternalDataOp) Node {
	v := &Values{}
	for _, c := range o.Columns {
		t, ok := types.ParseType(c.Type.Value)
		if !ok {
			b.errs.add(c.Type.Pos, "unknown type '%s'", c.Type.Value)
			return nil
		}
		if indexOf(v.Out, c.Name.Value) >= 0 {
			b.errs.add(c.Name.Pos, "column '%s' is declared twice", c.Name.Value)
			return nil
		}
		v.Out = append(v.Out, Column{Name: c.Name.Value, Type: t})
	}
	if len(o.URIs) == 0 {
		b.errs.add(o.Pos, "externaldata needs a source, as in externaldata(a:string) [\"https://host/file.csv\"]")
		return nil
	}
	sc := &scope{b: b}
	format, skipFirst := "", false
	var formatAt parser.Position
	for _, s := range o.With {
		val, ok := b.constSetting(sc, s)
		if !ok {
			return nil
		}
		switch strings.ToLower(s.Name.Value) {
		case "format":
			format = strings.ToLower(types.Format(val))
			formatAt = s.Value.Start()
		case "ignorefirstrecord":
			skipFirst = val.Type == types.Bool && val.I != 0
		default:
			// Other properties (compression hints, credentials...) do not change how rows are read.
		}
	}
	var uris []string
	for _, x := range o.URIs {
		uri, ok := b.constString(sc, x, "an externaldata source")
		if !ok {
			return nil
		}
		if !b.externalAllowed(uri) {
			// The query binds against the declared columns; running it fails.
			return refuse(v.Out, x.Start(), "externaldata cannot read '%s': Spoor does not reach outside the store unless the server's allow-list permits the source", uri)
		}
		uris = append(uris, uri)
	}
	if format != "" && format != "csv" && format != "json" && format != "multijson" {
		b.errs.add(formatAt, "unsupported externaldata format '%s'; expected csv or json", format)
		return nil
	}
	for i, uri := range uris {
		f := format
		if f == "" {
			f = "csv"
			if low := strings.ToLower(uri); strings.HasSuffix(low, ".json") || strings.HasSuffix(low, ".jsonl") || strings.HasSuffix(low, ".multijson") {
				f = "json"
			}
		}
		if err := b.readExternal(v, uri, f, skipFirst); err != nil {
			b.errs.add(o.URIs[i].Start(), "externaldata cannot read '%s': %v", uri, err)
			return nil
		}
	}
	return v
}

// externalAllowed reports whether a source is an http(s) URL or a file path
// that the host's allow-list permits and can open.
func (b *binder) externalAllowed(uri string) bool {
	h := b.opts.Host
	if h == nil || h.ExternalData == nil || h.Open == nil {
		return false
	}
	low := strings.ToLower(uri)
	if i := strings.Index(low, "://"); i >= 0 {
		if scheme := low[:i]; scheme != "http" && scheme != "https" && scheme != "file" {
			return false
		}
	}
	return h.ExternalData(uri)
}

// constSetting binds the value of a `with (name=value)` setting: a constant.
func (b *binder) constSetting(sc *scope, s *parser.Setting) (types.Value, bool) {
	if n, ok := s.Value.(*parser.NameRef); ok {
		return types.NewString(n.Name), true // format=csv
	}
	e := sc.bindExpr(s.Value)
	if e == nil {
		return types.Value{}, false
	}
	c, ok := e.(*Const)
	if !ok {
		b.errs.add(s.Value.Start(), "'%s' needs a constant", s.Name.Value)
		return types.Value{}, false
	}
	return c.V, true
}

// readExternal appends the rows of one source to v.
func (b *binder) readExternal(v *Values, uri, format string, skipFirst bool) error {
	rc, err := b.opts.Host.Open(uri)
	if err != nil {
		return err
	}
	defer rc.Close()
	add := func(row []types.Value) error {
		if len(v.Rows) >= maxExternalRows {
			return fmt.Errorf("more than %d rows", maxExternalRows)
		}
		v.Rows = append(v.Rows, row)
		return nil
	}
	if format != "csv" {
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			d, err := types.ParseDynamic(line)
			m, ok := d.(map[string]any)
			if err != nil || !ok {
				return fmt.Errorf("line %d is not a JSON object", len(v.Rows)+1)
			}
			row := make([]types.Value, len(v.Out))
			for i, c := range v.Out {
				val, err := types.FromJSON(c.Type, m[c.Name])
				if err != nil {
					val = types.NullOf(c.Type)
				}
				row[i] = val
			}
			if err := add(row); err != nil {
				return err
			}
		}
		return sc.Err()
	}
	r := csv.NewReader(rc)
	r.FieldsPerRecord = -1
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if first && skipFirst {
			continue
		}
		row := make([]types.Value, len(v.Out))
		for i, c := range v.Out {
			row[i] = types.NullOf(c.Type)
			if i < len(rec) {
				if val, err := types.Parse(c.Type, rec[i]); err == nil {
					row[i] = val
				}
			}
		}
		if err := add(row); err != nil {
			return err
		}
	}
}
