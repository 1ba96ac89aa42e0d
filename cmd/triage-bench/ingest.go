package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/loadgen"
)

// ingestResult is what the ingest phase measured.
type ingestResult struct {
	events      int
	elapsed     time.Duration
	flushed     time.Duration
	rawBytes    int64
	diskBytes   int64
	peakRSS     int64
	overloadHit int64
	span        [2]time.Time
	// incident is the generator's incident window, where the rare token lives.
	incident loadgen.Incident
}

func (r ingestResult) print(w io.Writer) {
	fmt.Fprintf(w, "| metric | value |\n|---|---|\n")
	fmt.Fprintf(w, "| ingest (engine API, until acknowledged) | %s events/s (%.1f s) |\n", thousands(float64(r.events)/r.elapsed.Seconds()), r.elapsed.Seconds())
	fmt.Fprintf(w, "| ingest + flush to splits | %s events/s (%.1f s) |\n", thousands(float64(r.events)/(r.elapsed+r.flushed).Seconds()), (r.elapsed + r.flushed).Seconds())
	fmt.Fprintf(w, "| raw JSON | %.0f B/event |\n", float64(r.rawBytes)/float64(r.events))
	fmt.Fprintf(w, "| on disk after flush | %.1f B/event (%.1f MiB) |\n", float64(r.diskBytes)/float64(r.events), float64(r.diskBytes)/(1<<20))
	fmt.Fprintf(w, "| peak RSS (whole process, generator included) | %.0f MiB |\n", float64(r.peakRSS)/(1<<20))
	fmt.Fprintf(w, "| Ingest calls answered ErrOverloaded (retried) | %d |\n\n", r.overloadHit)
}

// storedResult describes a store an earlier run kept: the generator's
// config gives its span and incident without ingesting again.
func storedResult(events int) ingestResult {
	c := loadgen.New(loadgen.Config{Seed: 1, Count: events}).Config()
	return ingestResult{events: events, span: [2]time.Time{c.Start, c.Start.Add(c.Span)}, incident: c.Incident}
}

// measureIngest generates cfg.events events and ingests them through the
// engine API from cfg.writers goroutines, retrying overload as a client
// would, then flushes everything to splits and measures the directory.
func measureIngest(ctx context.Context, cfg config) (ingestResult, error) {
	eng, err := engine.Open(cfg.dir, engine.Options{})
	if err != nil {
		return ingestResult{}, err
	}
	gcfg := loadgen.Config{Seed: 1, Count: cfg.events}
	if err := gcfg.Validate(); err != nil {
		return ingestResult{}, errors.Join(err, eng.Close())
	}
	gen := loadgen.New(gcfg)
	res := ingestResult{events: cfg.events}
	res.span[0] = gen.Config().Start
	res.span[1] = gen.Config().Start.Add(gen.Config().Span)
	res.incident = gen.Config().Incident

	batches := make(chan [][]byte, cfg.writers*2)
	free := sync.Pool{New: func() any { return make([][]byte, 0, cfg.batch) }}
	go func() {
		defer close(batches)
		for left := cfg.events; left > 0; {
			n := min(cfg.batch, left)
			b := free.Get().([][]byte)[:0]
			for range n {
				doc := gen.AppendNext(nil)
				res.rawBytes += int64(len(doc) + 1)
				b = append(b, doc)
			}
			left -= n
			batches <- b
		}
	}()
	var overload sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				for {
					_, err := eng.Ingest(ctx, engine.DefaultIndexID, b, engine.IngestOptions{})
					if errors.Is(err, engine.ErrOverloaded) {
						overload.Lock()
						res.overloadHit++
						overload.Unlock()
						time.Sleep(5 * time.Millisecond)
						continue
					}
					if err != nil {
						overload.Lock()
						firstErr = errors.Join(firstErr, err)
						overload.Unlock()
					}
					break
				}
				free.Put(b)
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if firstErr != nil {
		return res, errors.Join(firstErr, eng.Close())
	}
	flushStart := time.Now()
	if err := eng.Flush(engine.DefaultIndexID); err != nil {
		return res, errors.Join(err, eng.Close())
	}
	res.flushed = time.Since(flushStart)
	res.peakRSS = peakRSS()
	if err := eng.Close(); err != nil {
		return res, err
	}
	res.diskBytes, err = dirSize(cfg.dir)
	return res, err
}

func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}
