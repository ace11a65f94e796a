package samples

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// GenOptions say what telemetry to generate.
type GenOptions struct {
	Devices int       // endpoints: mostly workstations, some servers, domain controllers
	Days    int       // days of history, ending at Now (at most 30, the store's retention)
	Seed    uint64    // the same seed and options give the same rows
	Now     time.Time // the end of the window (zero: now, rounded down to the hour)
	// ProcessEventsPerDeviceDay scales the background activity: the average number of
	// DeviceProcessEvents rows per device and day (0: 200). The other tables follow in
	// proportion.
	ProcessEventsPerDeviceDay int
	// Tables limits the output to these tables (nil: all the generator fills).
	Tables []string
	// NoStories leaves the attack stories out.
	NoStories bool
	// Progress, when set, is called after each generated day with the days
	// done, the days in all and the rows so far.
	Progress func(day, days int, rows int64)
}

// Sink receives generated rows, one table's batch at a time, in the table's column
// order and types (its built-in schema). It is called from one goroutine; the
// vectors are the sink's to keep.
type Sink func(table string, cols []*vector.Vector, rows int) error

// TruthEvent is one row an attack story wrote: the ground truth that hunts are
// checked against.
type TruthEvent struct {
	Story     string `json:"story"`
	Tactic    string `json:"tactic"`
	Technique string `json:"technique"`
	Table     string `json:"table"`
	// KeyColumn and Key identify the row in its table: ReportId where the table
	// has one (Device tables: a number, as text), else Id or AlertId.
	KeyColumn string    `json:"key_column"`
	Key       string    `json:"key"`
	Timestamp time.Time `json:"timestamp"`
	Entity    string    `json:"entity"` // the device, user or mailbox it concerns
	Note      string    `json:"note"`
}

// Story describes one embedded attack.
type Story struct {
	Name, Title, Tactic, Technique string
	// Entity is the impacted device, user or mailbox; Start is when it begins.
	Entity string
	Start  time.Time
}

// GenResult summarises a generation run.
type GenResult struct {
	Rows    map[string]int64
	Total   int64
	Stories []Story
	Truth   []TruthEvent
}

// GeneratedTables lists the tables the generator fills, sorted.
func GeneratedTables() []string {
	names := append([]string(nil), generated...)
	sort.Strings(names)
	return names
}

var generated = []string{
	"DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileEvents", "DeviceRegistryEvents",
	"DeviceLogonEvents", "DeviceImageLoadEvents", "DeviceEvents", "DeviceInfo", "DeviceNetworkInfo",
	"DeviceFileCertificateInfo",
	"EmailEvents", "EmailAttachmentInfo", "EmailUrlInfo", "EmailPostDeliveryEvents", "UrlClickEvents",
	"IdentityLogonEvents", "IdentityQueryEvents", "IdentityDirectoryEvents", "IdentityInfo",
	"CloudAppEvents", "AlertInfo", "AlertEvidence", "SigninLogs", "AADNonInteractiveUserSignInLogs",
	"AADSignInEventsBeta", "FileProfileData",
}

// flushRows is how many rows a table buffers before they go to the sink.
const flushRows = 16 << 10

// table buffers one table's rows column by column.
type table struct {
	name string
	def  *schema.Table
	idx  map[string]int
	cols []*vector.Vector
	set  []uint32 // the row number each column was last set for
	n    int
	on   bool
	// recent caches idx by a cheap hash of the name (see index): rows name
	// their columns with the same few constants, millions of times.
	recent [2 * recentSets]colSlot
	// initiating holds the positions of initiatingCols, once looked up.
	initiating *[ipCount]int
}

// recentSets is the number of sets of table.recent.
const recentSets = 256

// colSlot is a column name and its position, -1 for a column the table
// does not have.
type colSlot struct {
	name string
	i    int
}

// index returns the position of a column, or false. recent is a two-way
// set-associative cache on a cheap hash of the name: a name found there is
// compared with the one cached, which is quick when both are the same
// constant (the same memory); the map is the fallback.
func (t *table) index(name string) (int, bool) {
	n := len(name)
	if n == 0 {
		return 0, false
	}
	set := t.recent[2*((n*31+int(name[0])*7+int(name[n/2])*13+int(name[n-1]))&(recentSets-1)):][:2]
	if set[0].name == name {
		return set[0].i, set[0].i >= 0
	}
	if set[1].name == name {
		set[0], set[1] = set[1], set[0]
		return set[0].i, set[0].i >= 0
	}
	i, ok := t.idx[name]
	if !ok {
		i = -1 // absent: remembered too, has() asks that often
	}
	set[1], set[0] = set[0], colSlot{name, i}
	return i, ok
}

// Generate writes synthetic telemetry to sink and returns what it wrote.
func Generate(o GenOptions, sink Sink) (*GenResult, error) {
	g, err := newGen(o, sink)
	if err != nil {
		return nil, err
	}
	if err := g.run(); err != nil {
		return nil, err
	}
	return g.res, nil
}

// gen is one generation run.
type gen struct {
	o      GenOptions
	sink   Sink
	rng    *rand.Rand
	tables map[string]*table
	res    *GenResult
	err    error
	start  int64 // ticks of the window's first instant
	end    int64
	report int64 // the last ReportId given out
	world  *world
	story  *Story            // the story whose rows are being written, if any
	images map[string]*image // every program that ran, by SHA-256, for FileProfileData
	// elevated gives the processes started meanwhile a full administrator token,
	// as an auto-elevating program and its children get.
	elevated bool
}

func newGen(o GenOptions, sink Sink) (*gen, error) {
	if o.Devices <= 0 {
		return nil, fmt.Errorf("the number of devices must be at least 1")
	}
	if o.Days <= 0 || o.Days > 30 {
		return nil, fmt.Errorf("the number of days must be 1 to 30 (the store keeps 30 days)")
	}
	if o.ProcessEventsPerDeviceDay <= 0 {
		o.ProcessEventsPerDeviceDay = 200
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC().Truncate(time.Hour)
	}
	g := &gen{o: o, sink: sink, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x5e0f5e0f)),
		tables: map[string]*table{}, res: &GenResult{Rows: map[string]int64{}}, images: map[string]*image{}}
	g.end = types.TimeToTicks(o.Now)
	g.start = g.end - int64(o.Days)*int64(24*time.Hour/100)
	want := map[string]bool{}
	for _, n := range o.Tables {
		want[n] = true
	}
	for _, name := range generated {
		def, ok := schema.Builtin(name)
		if !ok {
			return nil, fmt.Errorf("BUG: no built-in schema for %s", name)
		}
		t := &table{name: name, def: def, idx: map[string]int{}, on: len(want) == 0 || want[name]}
		for i, c := range def.Columns {
			t.idx[c.Name] = i
		}
		t.reset()
		g.tables[name] = t
	}
	for n := range want {
		if g.tables[n] == nil {
			return nil, fmt.Errorf("the generator does not fill table %s (it fills %v)", n, GeneratedTables())
		}
	}
	return g, nil
}

// reset starts a new batch. Batches are days, and a table's days are alike:
// its columns start a little larger than the last batch rather than growing
// by doubling (most of the generator's garbage, and memory the system must
// hand over page by page).
func (t *table) reset() {
	capacity := 64
	if t.n > 0 {
		capacity = min(flushRows, t.n+t.n/4+16)
	}
	t.cols = make([]*vector.Vector, len(t.def.Columns))
	for i, c := range t.def.Columns {
		t.cols[i] = vector.New(c.Type, capacity)
	}
	t.set = make([]uint32, len(t.def.Columns))
	t.n = 0
}

// row is one row being written.
type row struct {
	g  *gen
	t  *table
	ts int64
}

// row starts a row of a table at a time (ticks); the time column is set. Rows of
// tables left out by GenOptions.Tables are dropped quietly.
func (g *gen) row(name string, ts int64) row {
	t := g.tables[name]
	if t == nil {
		panic("BUG: generating unknown table " + name)
	}
	r := row{g, t, ts}
	if !t.on {
		return row{g, nil, ts}
	}
	for _, col := range []string{"Timestamp", "TimeGenerated"} {
		if _, ok := t.index(col); ok {
			r.time(col, ts)
		}
	}
	return r
}

func (r row) col(name string) (*vector.Vector, bool) {
	return r.colAt(r.pos(name))
}

// pos is the position of a column of the row's table.
func (r row) pos(name string) int {
	i, ok := r.t.index(name)
	if !ok {
		panic(fmt.Sprintf("BUG: table %s has no column %s", r.t.name, name))
	}
	return i
}

// colAt is the column at position i, unless the row has set it already.
func (r row) colAt(i int) (*vector.Vector, bool) {
	if r.t.set[i] == uint32(r.t.n)+1 {
		return nil, false // set twice: the first value stands
	}
	r.t.set[i] = uint32(r.t.n) + 1
	return r.t.cols[i], true
}

// strAt sets the string column at position i.
func (r row) strAt(i int, v string) {
	if c, ok := r.colAt(i); ok {
		if c.Type == types.String && c.Codes == nil {
			c.Strs = append(c.Strs, v)
			c.Len++
		} else {
			c.Append(types.NewString(v))
		}
	}
}

// valueAt sets the column at position i, of a type held as an integer
// (long, int, datetime, timespan, bool), to v.
func (r row) valueAt(i int, v int64) {
	if c, ok := r.colAt(i); ok {
		if vector.Storage(c.Type) != vector.StoreInts {
			panic(fmt.Sprintf("BUG: column %s of %s is %s, not held as an integer", r.t.def.Columns[i].Name, r.t.name, c.Type))
		}
		c.Ints = append(c.Ints, v)
		c.Len++
	}
}

func (r row) str(name, v string) row {
	if r.t != nil {
		r.strAt(r.pos(name), v)
	}
	return r
}

func (r row) long(name string, v int64) row {
	if r.t != nil {
		if c, ok := r.col(name); ok {
			t := c.Type
			c.Append(types.Value{Type: t, I: v})
		}
	}
	return r
}

func (r row) real(name string, v float64) row {
	if r.t != nil {
		if c, ok := r.col(name); ok {
			c.Append(types.NewReal(v))
		}
	}
	return r
}

func (r row) boolean(name string, v bool) row {
	if r.t != nil {
		if c, ok := r.col(name); ok {
			c.Append(types.NewBool(v))
		}
	}
	return r
}

func (r row) time(name string, ticks int64) row {
	if r.t != nil {
		if c, ok := r.col(name); ok {
			c.Append(types.NewDatetime(ticks))
		}
	}
	return r
}

// dyn sets a column from JSON text: dynamic columns get the value, string columns
// (AdditionalFields is a string in some tables) the text.
func (r row) dyn(name, jsonText string) row {
	if r.t == nil {
		return r
	}
	c, ok := r.col(name)
	if !ok {
		return r
	}
	if c.Type == types.Dynamic {
		v, err := types.ParseDynamic(jsonText)
		if err != nil {
			panic("BUG: bad JSON in generator: " + jsonText)
		}
		c.Append(types.NewDynamic(v))
		return r
	}
	c.Append(types.NewString(jsonText))
	return r
}

// done ends the row: columns not set get nulls. It returns the row's ReportId.
func (r row) done() string {
	g := r.g
	g.report++
	id := g.report
	if r.t == nil {
		return ""
	}
	t := r.t
	rid := ""
	if i, ok := t.idx["ReportId"]; ok && t.set[i] != uint32(t.n)+1 {
		if t.cols[i].Type == types.String {
			rid = reportID(uint32(g.o.Seed), id)
			r.str("ReportId", rid)
		} else {
			rid = fmt.Sprint(id)
			r.long("ReportId", id)
		}
	}
	keyCol := "ReportId"
	if rid == "" {
		for _, k := range []string{"ReportId", "Id", "AlertId"} {
			if i, ok := t.idx[k]; ok && t.set[i] == uint32(t.n)+1 {
				keyCol, rid = k, types.Format(t.cols[i].Value(t.n))
				break
			}
		}
	}
	for i, c := range t.cols {
		if t.set[i] != uint32(t.n)+1 {
			c.Append(types.NullOf(c.Type))
		}
	}
	t.n++
	g.res.Rows[t.name]++
	g.res.Total++
	if g.story != nil {
		g.res.Truth = append(g.res.Truth, TruthEvent{
			Story: g.story.Name, Tactic: g.story.Tactic, Technique: g.story.Technique,
			Table: t.name, KeyColumn: keyCol, Key: rid, Timestamp: types.TicksToTime(r.ts), Entity: g.story.Entity,
		})
	}
	if t.n >= flushRows {
		g.flush(t)
	}
	return rid
}

// reportID formats a string ReportId as a GUID from the seed and the row
// number: %08x-%04x-4%03x-a%03x-%012x of the seed and the number's bits,
// written by hand since every generated row makes one.
func reportID(seed uint32, id int64) string {
	var b [36]byte
	hex := func(at int, v uint64, width int) {
		for i := width - 1; i >= 0; i-- {
			b[at+i] = "0123456789abcdef"[v&15]
			v >>= 4
		}
	}
	u := uint64(id)
	hex(0, uint64(seed), 8)
	b[8] = '-'
	hex(9, u>>48&0xffff, 4)
	b[13], b[14] = '-', '4'
	hex(15, u>>36&0xfff, 3)
	b[18], b[19] = '-', 'a'
	hex(20, u>>24&0xfff, 3)
	b[23] = '-'
	hex(24, u&0xffffffffffff, 12)
	return string(b[:])
}

func (g *gen) flush(t *table) {
	if t.n == 0 || g.err != nil {
		return
	}
	if err := g.sink(t.name, t.cols, t.n); err != nil {
		g.err = fmt.Errorf("writing %s: %w", t.name, err)
	}
	t.reset()
}

func (g *gen) flushAll() error {
	for _, name := range generated {
		g.flush(g.tables[name])
	}
	return g.err
}

func ticksTime(t int64) time.Time { return types.TicksToTime(t).UTC() }
