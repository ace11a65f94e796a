package repl

import (
	"encoding/csv"
	"encoding/json"
	"io"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/types"
)

// WriteResult prints a result as csv, json (columns with types, rows as arrays) or
// jsonl (one object a row); any other format prints a table.
func WriteResult(w io.Writer, res *engine.Result, format string) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		head := make([]string, len(res.Columns))
		for i, c := range res.Columns {
			head[i] = c.Name
		}
		cw.Write(head)
		for _, row := range res.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = types.Format(v)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		type col struct {
			Name string `json:"name"`
			Type string `json:"type"`
		}
		out := struct {
			Columns []col             `json:"columns"`
			Rows    []json.RawMessage `json:"rows"`
		}{Rows: []json.RawMessage{}}
		for _, c := range res.Columns {
			out.Columns = append(out.Columns, col{c.Name, c.Type.String()})
		}
		for _, row := range res.Rows {
			b := []byte{'['}
			for i, v := range row {
				if i > 0 {
					b = append(b, ',')
				}
				b = types.AppendJSON(b, v)
			}
			out.Rows = append(out.Rows, append(b, ']'))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "jsonl":
		for _, row := range res.Rows {
			b := []byte{'{'}
			for i, v := range row {
				if i > 0 {
					b = append(b, ',')
				}
				name, _ := json.Marshal(res.Columns[i].Name)
				b = append(append(b, name...), ':')
				b = types.AppendJSON(b, v)
			}
			if _, err := w.Write(append(b, '}', '\n')); err != nil {
				return err
			}
		}
		return nil
	}
	return WriteTable(w, res, TableOptions{})
}
