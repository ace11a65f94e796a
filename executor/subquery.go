package executor

import (
	"fmt"
	"reflect"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
)

// maxSubqueryRows caps the rows an in-list subquery may return.
const maxSubqueryRows = 1_000_000

var (
	subqueryType = reflect.TypeOf(&planner.Subquery{})
	valueType    = reflect.TypeOf(types.Value{})
)

// runSubqueries runs every subquery in the plan (in-lists and toscalar) once,
// before the main pipeline, and stores its value in the plan. Subqueries share
// the query's context, memory budget and statistics.
func (r *run) runSubqueries(root planner.Node) error {
	var subs []*planner.Subquery
	collectSubqueries(reflect.ValueOf(root), &subs)
	for _, q := range subs {
		if q.Value != nil {
			continue
		}
		sub := &run{ctx: r.ctx, store: r.store, mem: r.mem, detail: r.detail}
		res, err := sub.exec(q.Plan, maxSubqueryRows, 0)
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.stats.add(res.Stats)
		r.mu.Unlock()
		if res.Truncated && !q.Scalar {
			r.release(res.held)
			return fmt.Errorf("%d:%d: the subquery returns more than %d rows", q.At.Pos.Line, q.At.Pos.Column, maxSubqueryRows)
		}
		var v types.Value
		if q.Scalar {
			v = types.NullOf(q.Type())
			if len(res.Batches) > 0 && res.Batches[0].Len > 0 && len(res.Batches[0].Cols) > 0 {
				v = res.Batches[0].Cols[0].Value(0)
			}
		} else {
			items := []any{}
			for _, b := range res.Batches {
				for i := 0; i < b.Len; i++ {
					if x, ok := dynamicItem(b.Cols[0].Value(i)); ok {
						items = append(items, x)
					}
				}
			}
			v = types.NewDynamic(items)
		}
		q.Value = &v
		r.release(res.held)
	}
	return nil
}

// add sums another run's scan statistics into st.
func (st *Stats) add(o Stats) {
	st.Segments += o.Segments
	st.SegmentsPruned += o.SegmentsPruned
	st.BlocksRead += o.BlocksRead
	st.HotRows += o.HotRows
	st.RowsScanned += o.RowsScanned
	st.Scans = append(st.Scans, o.Scans...)
}

// collectSubqueries finds the subqueries in a plan's expressions. A subquery's
// own plan is searched when it runs.
func collectSubqueries(v reflect.Value, out *[]*planner.Subquery) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Type() == subqueryType {
			*out = append(*out, v.Interface().(*planner.Subquery))
			return
		}
		if v.Kind() == reflect.Interface {
			collectSubqueries(v.Elem(), out)
			return
		}
		if v.Elem().Kind() == reflect.Struct {
			collectSubqueries(v.Elem(), out)
		}
	case reflect.Struct:
		if v.Type() == valueType {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				collectSubqueries(v.Field(i), out)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			collectSubqueries(v.Index(i), out)
		}
	}
}

// dynamicItem turns a value into an element of a dynamic array; nulls are left out.
func dynamicItem(v types.Value) (any, bool) {
	if v.Null && v.Type != types.String {
		return nil, false
	}
	switch v.Type {
	case types.String, types.Guid, types.Decimal:
		return v.S, true
	case types.Bool:
		return v.I != 0, true
	case types.Int, types.Long:
		return v.I, true
	case types.Real:
		return v.F, true
	case types.Dynamic:
		return v.D, true
	}
	return types.Format(v), true
}
