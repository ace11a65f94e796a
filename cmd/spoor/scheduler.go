package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spoorhq/spoor/detection"
)

// fixedClock is a clock that starts at a given time and moves with the wall
// clock, for replaying a store generated at another time.
type fixedClock struct {
	base, start time.Time
}

func (c fixedClock) Now() time.Time { return c.base.Add(time.Since(c.start)) }

func runScheduler(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("scheduler", "scheduler [--data DIR] [--once] [--now T]\n\n"+
		"Runs the enabled detection rules and the tracked queries on time, in the foreground, until\n"+
		"interrupted. A new rule runs at once over its lookback; runs missed while the scheduler was\n"+
		"down are caught up by one run; no window runs twice", stderr)
	once := fs.Bool("once", false, "run what is due now, then exit")
	nowFlag := fs.String("now", "", "start the clock at this time, RFC 3339 (default: now)")
	if pos, st, ok := parseInterleaved(fs, args); !ok || len(pos) > 0 {
		if ok {
			fs.Usage()
			return 2
		}
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "scheduler", err)
	}
	store, err := openStore(*data)
	if err != nil {
		return fail(stderr, "scheduler", err)
	}
	defer store.Close()
	var clock detection.Clock = detection.RealClock{}
	if *nowFlag != "" {
		t, err := parseNow(*nowFlag)
		if err != nil {
			return fail(stderr, "scheduler", err)
		}
		clock = fixedClockSleeper{fixedClock{t, time.Now()}}
	}
	sc := &detection.Scheduler{DB: db, Store: store, Clock: clock, Wall: time.Now,
		OnRun: func(r *detection.Run) { printRun(stdout, r) }}
	ctx, stop := signalContext()
	defer stop()
	if *once {
		if _, err := sc.Tick(ctx); err != nil {
			return fail(stderr, "scheduler", err)
		}
		return 0
	}
	fmt.Fprintf(stderr, "scheduler: running rules and tracked queries from %s; Ctrl-C stops\n", *data)
	sc.Run(ctx, func(err error) { fmt.Fprintf(stderr, "scheduler: %v\n", err) })
	return 0
}

// fixedClockSleeper is a fixedClock that sleeps on the wall clock.
type fixedClockSleeper struct{ fixedClock }

func (fixedClockSleeper) Sleep(ctx context.Context, d time.Duration) {
	detection.RealClock{}.Sleep(ctx, d)
}
