package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spoorhq/spoor/samples"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

var benchTables = []string{"DeviceProcessEvents", "DeviceNetworkEvents"}

// benchData is what generation produced, and what the hunts look for in it.
type benchData struct {
	csv      map[string]string
	rows     map[string]int64
	csvBytes int64
	// hashes counts the SHA256 values of DeviceProcessEvents, for the IOC sweep.
	hashes map[string]int
	// devices counts events per device, for the one-device hunt.
	devices map[string]int
}

// generate writes the two tables to CSV with the generator used by spoor gen:
// 1,000 devices over 30 days, with the rate set so DeviceProcessEvents has about
// rows rows. Datetimes are written to the microsecond, which both engines keep.
func generate(dir string, rows int64, seed uint64, now time.Time) (*benchData, error) {
	const devices, days = 1000, 30
	// Workstations are quiet on weekends; about 0.8 of the rate is realised.
	rate := int(float64(rows) / (devices * days * 0.8))
	d := &benchData{csv: map[string]string{}, rows: map[string]int64{}, hashes: map[string]int{}, devices: map[string]int{}}
	files := map[string]*csvFile{}
	defer func() {
		for _, f := range files {
			f.f.Close()
		}
	}()
	for _, t := range benchTables {
		def, _ := schema.Builtin(t)
		path := filepath.Join(dir, t+".csv")
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		cf := &csvFile{f: f, def: def}
		cf.w = bufio.NewWriterSize(f, 1<<20)
		cf.c = csv.NewWriter(cf.w)
		head := make([]string, len(def.Columns))
		for i, c := range def.Columns {
			head[i] = c.Name
		}
		cf.c.Write(head)
		files[t] = cf
		d.csv[t] = path
	}
	sink := func(table string, cols []*vector.Vector, n int) error {
		cf := files[table]
		rec := make([]string, len(cols))
		sha, dev := cf.def.Index("SHA256"), cf.def.Index("DeviceName")
		for r := 0; r < n; r++ {
			for i, c := range cols {
				rec[i] = csvCell(c, r)
			}
			if err := cf.c.Write(rec); err != nil {
				return err
			}
			if table == "DeviceProcessEvents" {
				d.hashes[cols[sha].Strs[r]]++
				d.devices[cols[dev].Strs[r]]++
			}
		}
		d.rows[table] += int64(n)
		return nil
	}
	if _, err := samples.Generate(samples.GenOptions{Devices: devices, Days: days, Seed: seed, Now: now,
		ProcessEventsPerDeviceDay: max(1, rate), Tables: benchTables}, sink); err != nil {
		return nil, err
	}
	for _, t := range benchTables {
		cf := files[t]
		cf.c.Flush()
		if err := cf.c.Error(); err != nil {
			return nil, err
		}
		if err := cf.w.Flush(); err != nil {
			return nil, err
		}
		d.csvBytes += fileSize(d.csv[t])
	}
	return d, nil
}

type csvFile struct {
	f   *os.File
	w   *bufio.Writer
	c   *csv.Writer
	def *schema.Table
}

// csvCell writes a value as both loaders read it: nulls empty, datetimes as
// 2006-01-02 15:04:05.000000.
func csvCell(c *vector.Vector, r int) string {
	if c.IsNull(r) {
		return ""
	}
	switch c.Type {
	case types.Datetime:
		return types.TicksToTime(c.Ints[r]).UTC().Format("2006-01-02 15:04:05.000000")
	case types.String:
		return c.Strs[r]
	}
	return types.Format(c.Value(r))
}

// duckLoad is the statement that loads a table's CSV into DuckDB with the
// types of Spoor's schema.
func duckLoad(table, path string) string {
	def, _ := schema.Builtin(table)
	var cols []string
	for _, c := range def.Columns {
		t := "VARCHAR"
		switch c.Type {
		case types.Long, types.Timespan:
			t = "BIGINT"
		case types.Int:
			t = "INTEGER"
		case types.Real:
			t = "DOUBLE"
		case types.Bool:
			t = "BOOLEAN"
		case types.Datetime:
			t = "TIMESTAMP"
		}
		cols = append(cols, fmt.Sprintf("'%s': '%s'", c.Name, t))
	}
	return fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM read_csv('%s', header = true, quote = '"', escape = '"', columns = {%s})`,
		table, path, strings.Join(cols, ", "))
}

// hunt is one benchmark query in both languages.
type hunt struct {
	id, title string
	kql, sql  string
	ordered   bool
	tolerance float64
}

// hunts are B1 to B10; their constants come from the generated data.
func hunts(d *benchData, now time.Time) []hunt {
	// The IOC list: the rarest hashes, plus absent ones, 100 in all.
	var hs []string
	for h := range d.hashes {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool {
		if d.hashes[hs[i]] != d.hashes[hs[j]] {
			return d.hashes[hs[i]] < d.hashes[hs[j]]
		}
		return hs[i] < hs[j]
	})
	ioc := hs[:min(len(hs), 60)]
	for i := len(ioc); i < 100; i++ {
		ioc = append(ioc, fmt.Sprintf("%064x", i*7919))
	}
	one := ioc[0]
	quote := func(xs []string) string {
		q := make([]string, len(xs))
		for i, x := range xs {
			q[i] = "'" + x + "'"
		}
		return strings.Join(q, ", ")
	}
	// The busiest server, for the one-device hunt.
	var dev string
	for name, n := range d.devices {
		if strings.HasPrefix(name, "srv-") && (dev == "" || n > d.devices[dev] || n == d.devices[dev] && name < dev) {
			dev = name
		}
	}
	day := now.Add(-24 * time.Hour)
	lastDay := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	sqlTime := func(t time.Time) string { return "TIMESTAMP '" + t.Format("2006-01-02 15:04:05") + "'" }
	// The Kerberoasting story falls on the twelfth day before the window's end.
	storyDay := now.Add(-12 * 24 * time.Hour)
	return []hunt{
		{id: "B1", title: "has a rare command-line term, count, 30 days",
			kql: `DeviceProcessEvents | where ProcessCommandLine has "kerberoast" | count`,
			sql: `SELECT count(*) FROM DeviceProcessEvents WHERE regexp_matches(ProcessCommandLine, '(?i)(^|[^a-z0-9])kerberoast([^a-z0-9]|$)')`},
		{id: "B2", title: "the same within one day",
			kql: fmt.Sprintf(`DeviceProcessEvents | where Timestamp between (datetime(%s) .. datetime(%s)) | where ProcessCommandLine has "kerberoast" | count`,
				lastDay(storyDay), lastDay(storyDay.Add(24*time.Hour))),
			sql: fmt.Sprintf(`SELECT count(*) FROM DeviceProcessEvents WHERE Timestamp >= %s AND Timestamp <= %s AND regexp_matches(ProcessCommandLine, '(?i)(^|[^a-z0-9])kerberoast([^a-z0-9]|$)')`,
				sqlTime(storyDay), sqlTime(storyDay.Add(24*time.Hour)))},
		{id: "B3", title: "case-insensitive contains on the command line",
			kql: `DeviceProcessEvents | where ProcessCommandLine contains "ShadowCopy" | count`,
			sql: `SELECT count(*) FROM DeviceProcessEvents WHERE ProcessCommandLine ILIKE '%shadowcopy%'`},
		{id: "B4", title: "count by DeviceName, top 10",
			kql:     `DeviceProcessEvents | summarize n = count() by DeviceName | top 10 by n desc, DeviceName asc`,
			sql:     `SELECT DeviceName, count(*) AS n FROM DeviceProcessEvents GROUP BY DeviceName ORDER BY n DESC, DeviceName ASC LIMIT 10`,
			ordered: true},
		{id: "B5", title: "FileName =~ and contains, count by device",
			kql: `DeviceProcessEvents | where FileName =~ "POWERSHELL.EXE" and ProcessCommandLine contains "-executionpolicy" | summarize n = count() by DeviceName`,
			sql: `SELECT DeviceName, count(*) AS n FROM DeviceProcessEvents WHERE lower(FileName) = 'powershell.exe' AND ProcessCommandLine ILIKE '%-executionpolicy%' GROUP BY DeviceName`},
		{id: "B6", title: "IOC sweep: SHA256 == one hash or in a list of 100",
			kql: fmt.Sprintf(`DeviceProcessEvents | where SHA256 == "%s" or SHA256 in (%s) | summarize n = count() by SHA256`, one, strings.ReplaceAll(quote(ioc), "'", `"`)),
			sql: fmt.Sprintf(`SELECT SHA256, count(*) AS n FROM DeviceProcessEvents WHERE SHA256 = '%s' OR SHA256 IN (%s) GROUP BY SHA256`, one, quote(ioc))},
		{id: "B7", title: "dcount(SHA256) by FileName",
			kql:       `DeviceProcessEvents | summarize n = dcount(SHA256) by FileName`,
			sql:       `SELECT FileName, count(DISTINCT SHA256) AS n FROM DeviceProcessEvents GROUP BY FileName`,
			tolerance: 0.03},
		{id: "B8", title: "one device's latest 100 events in the last day",
			kql:     fmt.Sprintf(`DeviceProcessEvents | where DeviceName == "%s" and Timestamp > datetime(%s) | top 100 by Timestamp desc, ReportId desc | project Timestamp, ReportId, FileName`, dev, lastDay(day)),
			sql:     fmt.Sprintf(`SELECT Timestamp, ReportId, FileName FROM DeviceProcessEvents WHERE DeviceName = '%s' AND Timestamp > %s ORDER BY Timestamp DESC, ReportId DESC LIMIT 100`, dev, sqlTime(day)),
			ordered: true},
		{id: "B9", title: "rare (FileName, FolderPath) pairs, fewer than 100 events",
			kql: `DeviceProcessEvents | summarize n = count() by FileName, FolderPath | where n < 100 | count`,
			sql: `SELECT count(*) FROM (SELECT FileName, FolderPath, count(*) AS n FROM DeviceProcessEvents GROUP BY FileName, FolderPath HAVING count(*) < 100)`},
		{id: "B10", title: "network on port 445 joined with cmd/PowerShell by DeviceId",
			kql: `DeviceNetworkEvents | where RemotePort == 445 | project DeviceId, RemoteIP | join kind=inner (DeviceProcessEvents | where FileName in~ ("powershell.exe", "cmd.exe") | project DeviceId, FileName) on DeviceId | summarize n = count() by DeviceId, FileName`,
			sql: `SELECT n.DeviceId, p.FileName, count(*) AS n FROM (SELECT DeviceId, RemoteIP FROM DeviceNetworkEvents WHERE RemotePort = 445) n JOIN (SELECT DeviceId, FileName FROM DeviceProcessEvents WHERE lower(FileName) IN ('powershell.exe', 'cmd.exe')) p ON n.DeviceId = p.DeviceId GROUP BY n.DeviceId, p.FileName`},
	}
}
