package storage

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCrashLoop kills an ingesting child process at random moments, dozens of
// times, and then checks that every acknowledged row is present exactly once and
// that no row is duplicated. The child also seals now and then, so kills land in
// every phase of sealing, dropping the sealed batches from badger included. Every
// other child syncs once a second (Options.SyncBatch), which may lose rows on
// power failure but never on a process crash. At the end, badger holds no
// sealed batch.
func TestCrashLoop(t *testing.T) {
	if dir := os.Getenv("SPOOR_CRASH_CHILD"); dir != "" {
		start, _ := strconv.Atoi(os.Getenv("SPOOR_CRASH_START"))
		crashChild(dir, start, os.Getenv("SPOOR_CRASH_SYNC") == "batch")
		return
	}
	if testing.Short() {
		t.Skip("crash loop skipped in -short mode")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	acked := map[int64]bool{}
	const cycles = 30
	for c := 0; c < cycles; c++ {
		start := c * 1_000_000
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLoop$")
		sync := "always"
		if c%2 == 1 {
			sync = "batch"
		}
		cmd.Env = append(os.Environ(), "SPOOR_CRASH_CHILD="+dir, "SPOOR_CRASH_START="+strconv.Itoa(start), "SPOOR_CRASH_SYNC="+sync)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		kill := time.After(time.Duration(20+rng.Intn(400)) * time.Millisecond)
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break wait
				}
				if rest, ok := strings.CutPrefix(l, "ack "); ok {
					lo, hi, _ := strings.Cut(rest, "-")
					a, _ := strconv.ParseInt(lo, 10, 64)
					b, _ := strconv.ParseInt(hi, 10, 64)
					for s := a; s <= b; s++ {
						acked[s] = true
					}
				}
			case <-kill:
				cmd.Process.Kill()
				for l := range lines { // acks printed before the kill still count
					if rest, ok := strings.CutPrefix(l, "ack "); ok {
						lo, hi, _ := strings.Cut(rest, "-")
						a, _ := strconv.ParseInt(lo, 10, 64)
						b, _ := strconv.ParseInt(hi, 10, 64)
						for s := a; s <= b; s++ {
							acked[s] = true
						}
					}
				}
				break wait
			}
		}
		cmd.Wait()
	}
	s := openTest(t, dir, Options{})
	defer func() { s.Close() }()
	if err := s.SealAll(); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int{}
	for _, seq := range collect(t, s, ScanRequest{Table: "Events"}) {
		seen[seq]++
	}
	for seq, n := range seen {
		if n != 1 {
			t.Fatalf("row %d is present %d times", seq, n)
		}
	}
	missing := 0
	for seq := range acked {
		if seen[seq] != 1 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged rows are missing", missing, len(acked))
	}
	if len(acked) == 0 {
		t.Fatal("no row was acknowledged in any cycle; the test proved nothing")
	}
	// The last drop may wait for the close.
	s.Close()
	s = openTest(t, dir, Options{})
	if keys := badgerKeys(t, s, keyBatch); len(keys) != 0 {
		t.Fatalf("%d hot batch keys left in badger after sealing everything", len(keys))
	}
	t.Logf("%d cycles, %d rows acknowledged, %d present", cycles, len(acked), len(seen))
}

// crashChild appends batches forever, printing the Seq range of each batch
// once Append has returned, and seals every few batches.
func crashChild(dir string, start int, syncBatch bool) {
	s, err := Open(dir, Options{Now: func() time.Time { return testNow }, SyncBatch: syncBatch})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	if s.Table("Events") == nil {
		if err := s.CreateTable(eventsTable()); err != nil {
			fmt.Fprintln(os.Stderr, "child create:", err)
			os.Exit(2)
		}
	}
	rng := rand.New(rand.NewSource(int64(start)))
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		n := 200 + rng.Intn(800)
		rows := makeRows(rng, start, n)
		if err := s.Append("Events", rows, n); err != nil {
			fmt.Fprintln(os.Stderr, "child append:", err)
			os.Exit(2)
		}
		fmt.Fprintf(w, "ack %d-%d\n", start, start+n-1)
		w.Flush()
		start += n
		if i%4 == 3 {
			if err := s.Seal("Events"); err != nil {
				fmt.Fprintln(os.Stderr, "child seal:", err)
				os.Exit(2)
			}
		}
	}
}
