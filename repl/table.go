package repl

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/types"
)

// TableOptions shape WriteTable's output.
type TableOptions struct {
	// MaxRows is how many rows to print (0: all); the rest are counted.
	MaxRows int
	// MaxCell cuts longer cells with an ellipsis (0: 60 columns).
	MaxCell int
	// Width is the terminal's width: the widest columns are narrowed (cells cut
	// with an ellipsis) until a line fits (0: no limit).
	Width int
}

// WriteTable prints a result as aligned columns under a header and a rule. Cells
// are measured in terminal columns, so wide characters line up; line breaks in a
// cell print as spaces. Nulls print as empty cells, as Kusto shows them.
func WriteTable(w io.Writer, res *engine.Result, o TableOptions) error {
	if o.MaxCell <= 0 {
		o.MaxCell = 60
	}
	rows := res.Rows
	if o.MaxRows > 0 && len(rows) > o.MaxRows {
		rows = rows[:o.MaxRows]
	}
	cells := make([][]string, len(rows)+1)
	width := make([]int, len(res.Columns))
	cells[0] = make([]string, len(res.Columns))
	for i, c := range res.Columns {
		cells[0][i] = c.Name
		width[i] = runewidth.StringWidth(c.Name)
	}
	for r, row := range rows {
		cells[r+1] = make([]string, len(row))
		for i, v := range row {
			s := cellText(v)
			if runewidth.StringWidth(s) > o.MaxCell {
				s = runewidth.Truncate(s, o.MaxCell, "…")
			}
			cells[r+1][i] = s
			if i < len(width) {
				width[i] = max(width[i], runewidth.StringWidth(s))
			}
		}
	}
	if o.Width > 0 {
		fit(cells, width, o.Width)
	}
	var b strings.Builder
	for r, row := range cells {
		for i, s := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(s)
			if i < len(row)-1 && i < len(width) {
				b.WriteString(strings.Repeat(" ", width[i]-runewidth.StringWidth(s)))
			}
		}
		b.WriteByte('\n')
		if r == 0 {
			for i := range row {
				if i > 0 {
					b.WriteString("  ")
				}
				b.WriteString(strings.Repeat("-", width[i]))
			}
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cellText is a value as one line of a table. A dynamic string shows without
// its JSON quotes, as Kusto's clients show it.
func cellText(v types.Value) string {
	s := types.Format(v)
	if d, ok := v.D.(string); ok && v.Type == types.Dynamic && !v.Null {
		s = d
	}
	if strings.ContainsAny(s, "\n\r\t") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
	}
	return s
}

// fit narrows the widest columns until a row of the table, with two spaces
// between columns, fits in total; no column goes below 6 cells or its header.
func fit(cells [][]string, width []int, total int) {
	line := func() int {
		n := 2 * (len(width) - 1)
		for _, w := range width {
			n += w
		}
		return n
	}
	for line() > total {
		widest := -1
		for i, w := range width {
			if w > 6 && (widest < 0 || w > width[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		width[widest] = max(6, width[widest]-(line()-total))
	}
	for _, row := range cells {
		for i, s := range row {
			if i < len(width) && runewidth.StringWidth(s) > width[i] {
				row[i] = runewidth.Truncate(s, width[i], "…")
			}
		}
	}
}
