package detection

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// SavedQuery is a query kept under a name.
type SavedQuery struct {
	Name        string `json:"name"`
	Folder      string `json:"folder,omitempty"`
	Description string `json:"description,omitempty"`
	Scope       string `json:"scope"` // mine or shared
	Query       string `json:"query"`
	Tracked     bool   `json:"tracked,omitempty"`
	// TrackEnd is the end of the last day a tracked query was counted over;
	// TrackNext when the next count is due.
	TrackEnd  time.Time `json:"track_end,omitzero"`
	TrackNext time.Time `json:"track_next,omitzero"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// CheckName refuses a name that is not 1 to 64 letters, digits, '-', '_' or '.',
// starting with a letter or digit.
func CheckName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("a %s needs a name", kind)
	}
	if !nameRe.MatchString(name) {
		return fmt.Errorf("%s name %q is not valid: use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit (such as %q)",
			kind, name, suggestName(name))
	}
	return nil
}

// suggestName turns text into a valid name.
func suggestName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '.':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-._")
	if out == "" {
		out = "query-1"
	}
	if len(out) > 64 {
		out = out[:64]
	}
	return out
}

// CheckScope refuses a scope other than mine or shared.
func CheckScope(scope string) error {
	if scope != "mine" && scope != "shared" {
		return fmt.Errorf("scope %q is not valid: use mine or shared", scope)
	}
	return nil
}

// AddSaved checks a saved query (its name, scope and KQL) and stores it. It
// refuses a name already taken unless replace is set.
func (db *DB) AddSaved(q SavedQuery, plan Planner, now time.Time, replace bool) error {
	q.Name = strings.TrimSpace(q.Name)
	if err := CheckName("saved query", q.Name); err != nil {
		return err
	}
	if q.Scope == "" {
		q.Scope = "mine"
	}
	if err := CheckScope(q.Scope); err != nil {
		return err
	}
	q.Folder = strings.Trim(strings.TrimSpace(q.Folder), "/")
	if strings.TrimSpace(q.Query) == "" {
		return fmt.Errorf("saved query %s has no query", q.Name)
	}
	if _, err := plan(q.Query); err != nil {
		return &QueryError{What: "saved query " + q.Name, Err: err}
	}
	return db.Update(func(s *State) error {
		old := s.SavedQuery(q.Name)
		switch {
		case old != nil && !replace:
			return fmt.Errorf("a saved query named %s exists; remove it first or add with --replace", q.Name)
		case old != nil:
			q.Created, q.Updated, q.Tracked, q.TrackEnd, q.TrackNext = old.Created, now, old.Tracked, old.TrackEnd, old.TrackNext
			*old = q
		default:
			q.Created, q.Updated = now, now
			s.Saved = append(s.Saved, &q)
		}
		sort.Slice(s.Saved, func(i, j int) bool {
			if s.Saved[i].Folder != s.Saved[j].Folder {
				return s.Saved[i].Folder < s.Saved[j].Folder
			}
			return s.Saved[i].Name < s.Saved[j].Name
		})
		return nil
	})
}

// RemoveSaved deletes a saved query and its tracked counts.
func (db *DB) RemoveSaved(name string) error {
	return db.Update(func(s *State) error {
		for i, q := range s.Saved {
			if q.Name == name {
				s.Saved = append(s.Saved[:i], s.Saved[i+1:]...)
				kept := s.Tracked[:0]
				for _, p := range s.Tracked {
					if p.Query != name {
						kept = append(kept, p)
					}
				}
				s.Tracked = kept
				return nil
			}
		}
		return notFound("saved query", name, savedNames(s))
	})
}

// GetSaved returns a copy of the saved query named name.
func (db *DB) GetSaved(name string) (*SavedQuery, error) {
	var out *SavedQuery
	err := db.View(func(s *State) error {
		q := s.SavedQuery(name)
		if q == nil {
			return notFound("saved query", name, savedNames(s))
		}
		c := *q
		out = &c
		return nil
	})
	return out, err
}

// ListSaved returns the saved queries, by folder and name.
func (db *DB) ListSaved() ([]SavedQuery, error) {
	var out []SavedQuery
	err := db.View(func(s *State) error {
		for _, q := range s.Saved {
			out = append(out, *q)
		}
		return nil
	})
	return out, err
}

// SetTracked marks a saved query tracked or not.
func (db *DB) SetTracked(name string, on bool) error {
	return db.Update(func(s *State) error {
		q := s.SavedQuery(name)
		if q == nil {
			return notFound("saved query", name, savedNames(s))
		}
		q.Tracked = on
		if !on {
			q.TrackNext = time.Time{}
		}
		return nil
	})
}

func savedNames(s *State) []string {
	var out []string
	for _, q := range s.Saved {
		out = append(out, q.Name)
	}
	return out
}

// notFound says a name is unknown, suggesting the closest known one.
func notFound(kind, name string, known []string) error {
	best, bestD := "", 4
	for _, k := range known {
		if d := distance(strings.ToLower(name), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		return fmt.Errorf("no %s named %s; did you mean %s?", kind, name, best)
	}
	return fmt.Errorf("no %s named %s", kind, name)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
