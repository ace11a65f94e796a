package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/samples"
	"github.com/spoorhq/spoor/types"
)

// TestSamplesFindStories generates a store, runs every sample hunt on it and
// checks that each runs, and that every attack story is found by at least one:
// a sample finds a story when a row of its result names one of the story's rows
// (by its key) or the story's impacted entity.
func TestSamplesFindStories(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a store")
	}
	dir := filepath.Join(t.TempDir(), "store")
	now := time.Now().UTC().Truncate(time.Hour)
	res, err := generateInto(genConfig{data: dir, quiet: true,
		opts: samples.GenOptions{Devices: 30, Days: 14, Seed: 11, Now: now, ProcessEventsPerDeviceDay: 60}}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := samples.All()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := openEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Store().Close()
	rep := runSampleSet(eng, all)
	keys := map[string]map[string]bool{} // story -> keys and entity
	for _, e := range res.Truth {
		if keys[e.Story] == nil {
			keys[e.Story] = map[string]bool{e.Entity: true}
		}
		keys[e.Story][e.Key] = true
	}
	found := map[string][]string{}
	for _, r := range rep.Samples {
		if !r.Ran {
			t.Errorf("sample %s did not run: %s", r.Name, r.Error)
			continue
		}
		for story, ks := range keys {
			if resultMentions(r.result, ks) {
				found[story] = append(found[story], r.Name)
			}
		}
	}
	for _, s := range res.Stories {
		if len(found[s.Name]) == 0 {
			t.Errorf("no sample finds the story %s (%s)", s.Name, s.Title)
		} else {
			t.Logf("%s: found by %s", s.Name, strings.Join(found[s.Name], ", "))
		}
	}
	b, _ := json.Marshal(map[string]int{"total": rep.Total, "ran": rep.Ran, "nonempty": rep.Nonempty})
	t.Logf("samples: %s", b)
}

func resultMentions(res *engine.Result, keys map[string]bool) bool {
	if res == nil {
		return false
	}
	for _, row := range res.Rows {
		for _, v := range row {
			if !v.Null && keys[types.Format(v)] {
				return true
			}
		}
	}
	return false
}
