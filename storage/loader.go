package storage

import (
	"sort"
	"sync"

	"github.com/spoorhq/spoor/vector"
)

// Loader feeds a long stream of batches into a store, sealing tables in the
// background as they fill, so that appending (and whatever produces the
// batches) goes on while segments are encoded. Append is called from one
// goroutine; Close from the same one, once.
type Loader struct {
	st     *Store
	queue  chan string
	done   chan struct{}
	mu     sync.Mutex
	queued map[string]bool // tables waiting for or in a background seal
	tables map[string]bool // every table appended to
	err    error           // the first failed background seal
	// bulk is set for a load made with NewBulkLoader.
	bulk *bulkLoad
}

// NewLoader starts a loader with its background sealer.
func (s *Store) NewLoader() *Loader {
	l := &Loader{st: s, queue: make(chan string, 64), done: make(chan struct{}),
		queued: map[string]bool{}, tables: map[string]bool{}}
	go l.sealer()
	return l
}

func (l *Loader) sealer() {
	defer close(l.done)
	for name := range l.queue {
		err := l.st.Seal(name)
		l.mu.Lock()
		delete(l.queued, name)
		if err != nil && l.err == nil {
			l.err = err
		}
		l.mu.Unlock()
	}
}

// Append stores rows durably, as Store.Append does, and queues the table for a
// background seal when it needs one. It fails once a background seal has
// failed. The loader owns cols afterwards. A bulk load (NewBulkLoader)
// buffers the rows instead, to be stored when the load closes.
func (l *Loader) Append(table string, cols []*vector.Vector, rows int) error {
	if l.bulk != nil {
		return l.bulkAppend(table, cols, rows)
	}
	l.mu.Lock()
	err := l.err
	l.mu.Unlock()
	if err != nil {
		return err
	}
	if err := l.st.Append(table, cols, rows); err != nil {
		return err
	}
	l.tables[table] = true
	if !l.st.NeedsSeal(table) {
		return nil
	}
	l.mu.Lock()
	queue := !l.queued[table]
	l.queued[table] = true
	l.mu.Unlock()
	if queue {
		l.queue <- table
	}
	return nil
}

// Close waits for the background seals, then seals the rest of every table
// appended to, two tables at a time, and, when compact is set, merges the
// small segments repeated seals left. Acknowledged rows are durable whatever
// it returns. A bulk load writes its buffered rows and records all of its
// segments, or, when it returns an error, none of them.
func (l *Loader) Close(compact bool) error {
	if l.bulk != nil {
		return l.bulkClose(compact)
	}
	close(l.queue)
	<-l.done
	if l.err != nil {
		return l.err
	}
	names := make([]string, 0, len(l.tables))
	for n := range l.tables {
		names = append(names, n)
	}
	// The largest tables first, so that the last to finish is a small one.
	sort.Slice(names, func(i, j int) bool {
		hi, hj := l.st.HotRows(names[i]), l.st.HotRows(names[j])
		if hi != hj {
			return hi > hj
		}
		return names[i] < names[j]
	})
	work := make(chan string)
	errs := make(chan error, len(names))
	var wg sync.WaitGroup
	for range min(2, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				err := l.st.Seal(n)
				if err == nil && compact {
					_, err = l.st.Compact(n)
				}
				errs <- err
			}
		}()
	}
	for _, n := range names {
		work <- n
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
