package detection

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// DB is the detection state of one data directory. Its methods load the state
// under a lock, let a function read or change it, and write back what changed.
type DB struct {
	dir string // DIR/detection
	// noSync skips the fsync of each write, for tests that write thousands of
	// times; the rename still makes each write atomic.
	noSync bool

	// The state as last read or written, with each file's size and
	// modification time then: a file whose stamp is unchanged is not read
	// again. Another process's write changes the stamp.
	mu     sync.Mutex
	cache  *State
	stamps []stamp
	raw    [][]byte
}

// stamp identifies one version of a file: every write renames a new file
// into place, so the file's identity changes with its content.
type stamp struct{ fi os.FileInfo }

func stampOf(path string) stamp {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}
	}
	return stamp{fi}
}

// same says whether two stamps are of the same version of a file.
func (a stamp) same(b stamp) bool {
	return a.fi != nil && b.fi != nil && os.SameFile(a.fi, b.fi) && a.fi.Size() == b.fi.Size() && a.fi.ModTime().Equal(b.fi.ModTime())
}

// Open returns the detection state of the data directory dir, creating its
// folder on first use.
func Open(dataDir string) (*DB, error) {
	dir := filepath.Join(dataDir, "detection")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &DB{dir: dir}, nil
}

// Dir is the folder the state is kept in.
func (db *DB) Dir() string { return db.dir }

// State is everything the package keeps. Each field group is one file.
type State struct {
	Saved     []*SavedQuery `json:"saved"`
	Rules     []*RuleRecord `json:"rules"`
	Runs      []*Run        `json:"runs"`
	Alerts    []*Alert      `json:"alerts"`
	Incidents []*Incident   `json:"incidents"`
	Actions   []*Action     `json:"actions"`
	Tracked   []*TrackPoint `json:"tracked"`
	Config    Config        `json:"config"`
	// Seen maps a rule's name and an event's key to the alert raised for the
	// event, so that overlapping lookbacks never raise it twice.
	Seen map[string]SeenEvent `json:"seen"`
	// Seq holds the last number given to each kind of ID.
	Seq map[string]int64 `json:"seq"`
}

// SeenEvent is an event a rule has raised an alert for.
type SeenEvent struct {
	Alert string    `json:"alert"`
	Time  time.Time `json:"time"` // the event's Timestamp, to forget it once no lookback reaches it
}

// Config is the action centre's integration.
type Config struct {
	// Webhook receives each approved action as a JSON POST.
	Webhook string `json:"webhook,omitempty"`
	// Command is run for each approved action with the action as JSON on its
	// standard input (through sh -c).
	Command string `json:"command,omitempty"`
}

// files names the file of each part of the state and how to reach it.
var files = []struct {
	name    string
	part    func(s *State) any
	compact bool // large and written often: no indentation
}{
	{"saved.json", func(s *State) any { return &s.Saved }, false},
	{"rules.json", func(s *State) any { return &s.Rules }, false},
	{"runs.json", func(s *State) any { return &s.Runs }, true},
	{"alerts.json", func(s *State) any { return &s.Alerts }, false},
	{"incidents.json", func(s *State) any { return &s.Incidents }, false},
	{"actions.json", func(s *State) any { return &s.Actions }, false},
	{"tracked.json", func(s *State) any { return &s.Tracked }, true},
	{"config.json", func(s *State) any { return &s.Config }, false},
	{"seen.json", func(s *State) any { return &s.Seen }, true},
	{"seq.json", func(s *State) any { return &s.Seq }, false},
}

// View calls fn with the state. fn must not change it.
func (db *DB) View(fn func(s *State) error) error {
	unlock, err := lockFile(filepath.Join(db.dir, "lock"), false)
	if err != nil {
		return err
	}
	defer unlock()
	db.mu.Lock()
	defer db.mu.Unlock()
	s, _, err := db.load()
	if err != nil {
		return err
	}
	return fn(s)
}

// Update calls fn with the state and, when fn returns nil, writes back the
// files whose content changed. Each file is replaced atomically.
func (db *DB) Update(fn func(s *State) error) error {
	unlock, err := lockFile(filepath.Join(db.dir, "lock"), true)
	if err != nil {
		return err
	}
	defer unlock()
	db.mu.Lock()
	defer db.mu.Unlock()
	s, raw, err := db.load()
	if err != nil {
		return err
	}
	if err := fn(s); err != nil {
		db.cache = nil // fn may have changed it part way
		return err
	}
	for i, f := range files {
		var b []byte
		if f.compact {
			b, err = json.Marshal(f.part(s))
		} else {
			b, err = json.MarshalIndent(f.part(s), "", "  ")
		}
		if err != nil {
			db.cache = nil
			return err
		}
		b = append(b, '\n')
		if bytes.Equal(b, raw[i]) {
			continue
		}
		path := filepath.Join(db.dir, f.name)
		if err := writeAtomic(path, b, !db.noSync); err != nil {
			db.cache = nil
			return err
		}
		db.raw[i], db.stamps[i] = b, stampOf(path)
	}
	return nil
}

// load returns the state, reading the files that changed since the cache was
// made, and each file's bytes. The caller holds db.mu.
func (db *DB) load() (*State, [][]byte, error) {
	if db.cache == nil {
		db.cache = &State{}
		db.stamps = make([]stamp, len(files))
		db.raw = make([][]byte, len(files))
	}
	s := db.cache
	for i, f := range files {
		path := filepath.Join(db.dir, f.name)
		st := stampOf(path)
		if st.same(db.stamps[i]) {
			continue
		}
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			b = nil
		} else if err != nil {
			db.cache = nil
			return nil, nil, err
		}
		// Decode into a fresh value so no field of the old version lingers.
		fresh := &State{}
		if b != nil {
			if err := json.Unmarshal(b, f.part(fresh)); err != nil {
				db.cache = nil
				return nil, nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		copyPart(s, fresh, i)
		db.raw[i], db.stamps[i] = b, st
	}
	if s.Seen == nil {
		s.Seen = map[string]SeenEvent{}
	}
	if s.Seq == nil {
		s.Seq = map[string]int64{}
	}
	return s, db.raw, nil
}

// copyPart sets file i's part of dst from src.
func copyPart(dst, src *State, i int) {
	switch files[i].name {
	case "saved.json":
		dst.Saved = src.Saved
	case "rules.json":
		dst.Rules = src.Rules
	case "runs.json":
		dst.Runs = src.Runs
	case "alerts.json":
		dst.Alerts = src.Alerts
	case "incidents.json":
		dst.Incidents = src.Incidents
	case "actions.json":
		dst.Actions = src.Actions
	case "tracked.json":
		dst.Tracked = src.Tracked
	case "config.json":
		dst.Config = src.Config
	case "seen.json":
		dst.Seen = src.Seen
	case "seq.json":
		dst.Seq = src.Seq
	default:
		panic("BUG: no part for " + files[i].name)
	}
}

// writeAtomic replaces path with b: a temporary file in the same folder,
// synced, then renamed over it.
func writeAtomic(path string, b []byte, sync bool) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := syncFile(f, sync); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// nextID gives the next ID of a kind: a prefix and a number, such as "al-12".
func (s *State) nextID(kind string) string {
	s.Seq[kind]++
	return fmt.Sprintf("%s-%d", kind, s.Seq[kind])
}

// Rule returns the rule named name, or nil.
func (s *State) Rule(name string) *RuleRecord {
	for _, r := range s.Rules {
		if r.Rule.Name == name {
			return r
		}
	}
	return nil
}

// SavedQuery returns the saved query named name, or nil.
func (s *State) SavedQuery(name string) *SavedQuery {
	for _, q := range s.Saved {
		if q.Name == name {
			return q
		}
	}
	return nil
}

// Alert returns the alert with the ID, or nil.
func (s *State) Alert(id string) *Alert {
	for _, a := range s.Alerts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// Incident returns the incident with the ID, or nil.
func (s *State) Incident(id string) *Incident {
	for _, in := range s.Incidents {
		if in.ID == id {
			return in
		}
	}
	return nil
}

// RunsOf lists a rule's runs (or a tracked query's, by its name), oldest first.
func (s *State) RunsOf(name string) []*Run {
	var out []*Run
	for _, r := range s.Runs {
		if r.Rule == name {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out
}

func syncFile(f *os.File, sync bool) error {
	if !sync {
		return nil
	}
	return f.Sync()
}
