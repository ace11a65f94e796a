package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spoorhq/spoor/repl"
	"github.com/spoorhq/spoor/samples"
)

// demoMarker records how a demo store was generated; its presence is also what
// allows spoor demo to replace the directory's contents.
const demoMarker = "demo.json"

type demoInfo struct {
	Generated time.Time `json:"generated"`
	Devices   int       `json:"devices"`
	Days      int       `json:"days"`
	Seed      uint64    `json:"seed"`
	Stories   int       `json:"stories"`
	Rows      int64     `json:"rows"`
}

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := defaultDataDir()
	data := fs.String("data", filepath.Join(base, "demo"), "the demo store's `directory`")
	devices := fs.Int("devices", 40, "devices in a new demo store")
	days := fs.Int("days", 30, "days of history in a new demo store")
	seed := fs.Uint64("seed", 1, "random seed of a new demo store")
	fresh := fs.Bool("fresh", false, "generate the demo store again even if it is recent")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: spoor demo [--data DIR] [--fresh]

Generates a demo store of synthetic Defender telemetry with hidden attack stories
(unless a recent one exists), then opens the REPL on it. The data ends at the time
of generation; a demo store older than a day is generated again so that queries such
as 'where Timestamp > ago(1d)' find rows.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	info, err := ensureDemo(*data, *devices, *days, *seed, *fresh, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "spoor demo: %v\n", err)
		return 1
	}
	eng, err := openEngine(*data)
	if err != nil {
		fmt.Fprintf(stderr, "spoor demo: %v\n", err)
		return 1
	}
	defer eng.Store().Close()
	r := &repl.REPL{
		Engine:      eng,
		Out:         stdout,
		Err:         stderr,
		HistoryFile: filepath.Join(*data, "history"),
		Banner: fmt.Sprintf(`Spoor demo: %d rows of synthetic Defender telemetry from %d devices over %d days,
with %d attack stories hidden in it (generated %s;
the answers are in %s).
Try:
  DeviceProcessEvents | where ProcessCommandLine has "comsvcs.dll"
  SigninLogs | where ResultType == "50126" | summarize dcount(UserPrincipalName) by IPAddress
  .samples   .run shadow-copy-deletion   .tables   .explain on   .help   .quit
`, info.Rows, info.Devices, info.Days, info.Stories, info.Generated.Format(time.RFC3339), filepath.Join(*data, "ground-truth.jsonl")),
	}
	if err := r.Run(context.Background(), os.Stdin); err != nil {
		fmt.Fprintf(stderr, "spoor demo: %v\n", err)
		return 1
	}
	return 0
}

// ensureDemo returns the demo store's description, generating the store first when
// there is none, it is older than a day, or fresh is set. It replaces only a
// directory that is empty or holds a demo store.
func ensureDemo(dir string, devices, days int, seed uint64, fresh bool, stderr io.Writer) (*demoInfo, error) {
	var info demoInfo
	b, err := os.ReadFile(filepath.Join(dir, demoMarker))
	switch {
	case err == nil:
		if jerr := json.Unmarshal(b, &info); jerr != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(dir, demoMarker), jerr)
		}
		// A zero time marks a generation that did not finish.
		if !fresh && !info.Generated.IsZero() && time.Since(info.Generated) < 24*time.Hour {
			return &info, nil
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	case errors.Is(err, os.ErrNotExist):
		entries, rerr := os.ReadDir(dir)
		if rerr == nil && len(entries) > 0 {
			return nil, fmt.Errorf("%s is not empty and holds no demo store; give another --data directory", dir)
		}
	default:
		return nil, err
	}
	fmt.Fprintf(stderr, "generating a demo store in %s ...\n", dir)
	// Claim the directory first, so that an interrupted generation is recognised
	// as a demo store and replaced next time.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, demoMarker), []byte(`{"generated":"0001-01-01T00:00:00Z"}`), 0o644); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	res, err := generateInto(genConfig{data: dir, opts: samples.GenOptions{Devices: devices, Days: days, Seed: seed, Now: now}}, stderr)
	if err != nil {
		return nil, err
	}
	info = demoInfo{Generated: now, Devices: devices, Days: days, Seed: seed, Stories: len(res.Stories), Rows: res.Total}
	b, _ = json.MarshalIndent(info, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, demoMarker), b, 0o644); err != nil {
		return nil, err
	}
	return &info, nil
}
