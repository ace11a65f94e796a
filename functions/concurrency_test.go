package functions

import (
	"sync"
	"testing"
)

// TestKernelsConcurrently runs kernels that share caches (regexes) from several
// goroutines at once, as the executor does; run it with -race.
func TestKernelsConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				text := col(S, "abc123", "x9y", "")
				pat := rep(S, `\d+`, 3)
				for _, name := range []string{"matches regex", "has", "contains"} {
					spec, _ := Lookup(name)
					if _, err := spec.Eval(a(text, pat), 3); err != nil {
						t.Error(err)
					}
				}
				spec, _ := Lookup("extract")
				if _, err := spec.Eval(a(pat, rep(L, 0, 3), text), 3); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
