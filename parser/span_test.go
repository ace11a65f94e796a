package parser

import (
	"reflect"
	"testing"
)

// walkSpans calls fn for every node in the tree reachable from v.
func walkSpans(v reflect.Value, fn func(n Node)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if n, ok := v.Interface().(Node); ok && v.Kind() == reflect.Pointer {
			fn(n)
		}
		walkSpans(v.Elem(), fn)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkSpans(v.Field(i), fn)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkSpans(v.Index(i), fn)
		}
	}
}

// TestSpans checks that every node of every valid snippet knows where it starts
// and ends, and that its text lies inside the query.
func TestSpans(t *testing.T) {
	for _, s := range readSnippets(t, "testdata/valid.txt") {
		q, err := Parse(s.query)
		if err != nil {
			continue // reported by TestValidSnippets
		}
		walkSpans(reflect.ValueOf(q), func(n Node) {
			start, end := n.Start(), n.End()
			if start.Line < 1 || start.Column < 1 || end.Offset < start.Offset || end.Offset > len(s.query) {
				t.Errorf("valid.txt:%d: %T has span %d:%d (offset %d) to offset %d in a %d-byte query",
					s.line, n, start.Line, start.Column, start.Offset, end.Offset, len(s.query))
			}
		})
	}
}
