package repl

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/types"
)

// WriteChart draws a result as the chart its render operator asks for, in text:
// bar, column and pie charts as horizontal bars, one per row; time, line, area
// and scatter charts as points on a grid, one glyph per series. The x axis is
// the first datetime or numeric column (or a dynamic array of them, as
// make-series gives); series are the numeric columns, split by the values of a
// string column when there is one. It reports whether it knew how to draw it.
func WriteChart(w io.Writer, res *engine.Result, kind string, width int) bool {
	if width <= 0 {
		width = 80
	}
	switch strings.ToLower(kind) {
	case "barchart", "columnchart", "piechart":
		return barChart(w, res, width)
	case "timechart", "linechart", "areachart", "scatterchart", "stackedareachart":
		return lineChart(w, res, width)
	}
	return false
}

func numeric(v types.Value) (float64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.Type {
	case types.Int, types.Long, types.Datetime, types.Timespan:
		return float64(v.I), true
	case types.Real:
		return v.F, !math.IsNaN(v.F) && !math.IsInf(v.F, 0)
	case types.Bool:
		return float64(v.I), true
	}
	return 0, false
}

func isNumberType(t types.Type) bool {
	return t == types.Int || t == types.Long || t == types.Real || t == types.Decimal || t == types.Timespan
}

func barChart(w io.Writer, res *engine.Result, width int) bool {
	label, value := -1, -1
	for i, c := range res.Columns {
		if value < 0 && isNumberType(c.Type) {
			value = i
		} else if label < 0 && !isNumberType(c.Type) {
			label = i
		}
	}
	if value < 0 || len(res.Rows) == 0 {
		return false
	}
	rows := res.Rows
	if len(rows) > 40 {
		rows = rows[:40]
	}
	labels := make([]string, len(rows))
	lw, maxV := 0, 0.0
	for i, r := range rows {
		if label >= 0 {
			labels[i] = runewidth.Truncate(cellText(r[label]), 30, "…")
		} else {
			labels[i] = fmt.Sprint(i + 1)
		}
		lw = max(lw, runewidth.StringWidth(labels[i]))
		if v, ok := numeric(r[value]); ok {
			maxV = math.Max(maxV, v)
		}
	}
	barW := max(10, width-lw-16)
	fmt.Fprintf(w, "%s by %s\n", res.Columns[value].Name, columnNameOr(res, label, "row"))
	for i, r := range rows {
		v, _ := numeric(r[value])
		n := 0
		if maxV > 0 && v > 0 {
			n = int(math.Round(v / maxV * float64(barW)))
		}
		fmt.Fprintf(w, "%s%s │%s %s\n", labels[i], strings.Repeat(" ", lw-runewidth.StringWidth(labels[i])), strings.Repeat("█", n), cellText(r[value]))
	}
	return true
}

func columnNameOr(res *engine.Result, i int, def string) string {
	if i < 0 {
		return def
	}
	return res.Columns[i].Name
}

// series is one line of a line chart.
type series struct {
	name string
	xs   []float64
	ys   []float64
}

func lineChart(w io.Writer, res *engine.Result, width int) bool {
	x := -1
	var ys, split []int
	arrays := false
	for i, c := range res.Columns {
		arrays = arrays || c.Type == types.Dynamic && isArrayColumn(res, i)
	}
	if arrays {
		// make-series: the arrays are the axis and the series; the rest name them.
		for i, c := range res.Columns {
			switch {
			case c.Type != types.Dynamic || !isArrayColumn(res, i):
				split = append(split, i)
			case x < 0 && isTimeArray(res, i):
				x = i
			default:
				ys = append(ys, i)
			}
		}
	} else {
		for i, c := range res.Columns {
			switch {
			case x < 0 && c.Type == types.Datetime:
				x = i
			case isNumberType(c.Type):
				ys = append(ys, i)
			case c.Type == types.String:
				split = append(split, i)
			}
		}
		if x < 0 && len(ys) > 1 {
			x, ys = ys[0], ys[1:]
		}
	}
	if x < 0 || len(ys) == 0 || len(res.Rows) == 0 {
		return false
	}
	byName := map[string]*series{}
	var order []string
	add := func(name string, xv, yv float64) {
		s := byName[name]
		if s == nil {
			s = &series{name: name}
			byName[name] = s
			order = append(order, name)
		}
		s.xs, s.ys = append(s.xs, xv), append(s.ys, yv)
	}
	for _, r := range res.Rows {
		prefix := ""
		for _, k := range split {
			prefix += cellText(r[k]) + " "
		}
		for _, yi := range ys {
			name := strings.TrimSpace(prefix + res.Columns[yi].Name)
			if xs, ok := r[x].D.([]any); ok && r[x].Type == types.Dynamic {
				vals, _ := r[yi].D.([]any)
				for k := range xs {
					xv, ok1 := jsonNumberOrTime(xs[k])
					if k < len(vals) {
						if yv, ok2 := jsonNumberOrTime(vals[k]); ok1 && ok2 {
							add(name, xv, yv)
						}
					}
				}
				continue
			}
			xv, ok1 := numeric(r[x])
			yv, ok2 := numeric(r[yi])
			if ok1 && ok2 {
				add(name, xv, yv)
			}
		}
	}
	if len(order) == 0 {
		return false
	}
	if len(order) > 6 {
		order = order[:6]
	}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, n := range order {
		s := byName[n]
		for i := range s.xs {
			minX, maxX = math.Min(minX, s.xs[i]), math.Max(maxX, s.xs[i])
			minY, maxY = math.Min(minY, s.ys[i]), math.Max(maxY, s.ys[i])
		}
	}
	if minY > 0 {
		minY = 0
	}
	const height = 12
	labelW := max(len(formatAxis(maxY)), len(formatAxis(minY)))
	cols := max(20, width-labelW-3)
	grid := make([][]rune, height)
	for i := range grid {
		grid[i] = []rune(strings.Repeat(" ", cols))
	}
	glyphs := []rune("●○×+◆*")
	for si, n := range order {
		s := byName[n]
		idx := make([]int, len(s.xs))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return s.xs[idx[a]] < s.xs[idx[b]] })
		for _, i := range idx {
			cx, cy := 0, 0
			if maxX > minX {
				cx = int(math.Round((s.xs[i] - minX) / (maxX - minX) * float64(cols-1)))
			}
			if maxY > minY {
				cy = int(math.Round((s.ys[i] - minY) / (maxY - minY) * float64(height-1)))
			}
			grid[height-1-cy][cx] = glyphs[si%len(glyphs)]
		}
	}
	for i, line := range grid {
		lab := ""
		switch i {
		case 0:
			lab = formatAxis(maxY)
		case height - 1:
			lab = formatAxis(minY)
		}
		fmt.Fprintf(w, "%*s │%s\n", labelW, lab, strings.TrimRight(string(line), " "))
	}
	fmt.Fprintf(w, "%*s └%s\n", labelW, "", strings.Repeat("─", cols))
	lo, hi := axisValue(res.Columns[x].Type, minX, res, x), axisValue(res.Columns[x].Type, maxX, res, x)
	fmt.Fprintf(w, "%*s  %s%s%s\n", labelW, "", lo, strings.Repeat(" ", max(1, cols-len(lo)-len(hi))), hi)
	var legend []string
	for si, n := range order {
		legend = append(legend, fmt.Sprintf("%c %s", glyphs[si%len(glyphs)], n))
	}
	fmt.Fprintf(w, "%*s  %s\n", labelW, "", strings.Join(legend, "   "))
	return true
}

// isArrayColumn reports whether a dynamic column holds arrays (make-series).
func isArrayColumn(res *engine.Result, i int) bool {
	for _, r := range res.Rows {
		if _, ok := r[i].D.([]any); ok {
			return true
		}
	}
	return false
}

// jsonNumberOrTime reads a point of a make-series array: a number, or a
// datetime in text.
func jsonNumberOrTime(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		if t, err := types.ParseDatetime(x); err == nil {
			return float64(t), true
		}
	}
	return 0, false
}

func formatAxis(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// axisValue prints an x-axis bound in the x column's type.
func axisValue(t types.Type, v float64, res *engine.Result, x int) string {
	if t == types.Datetime || t == types.Dynamic && isTimeArray(res, x) {
		return types.Format(types.NewDatetime(int64(v)))
	}
	return formatAxis(v)
}

func isTimeArray(res *engine.Result, x int) bool {
	for _, r := range res.Rows {
		if xs, ok := r[x].D.([]any); ok && len(xs) > 0 {
			s, ok := xs[0].(string)
			if !ok {
				return false
			}
			_, err := types.ParseDatetime(s)
			return err == nil
		}
	}
	return false
}
