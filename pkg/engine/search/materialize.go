package search

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// materialize returns the chosen hits' events, reading those the scan did
// not, one decode per block, the blocks spread over every core: the
// newest 100 hits of a needle can lie in a hundred blocks, each of whose
// columns must be decompressed whole. A block that fails its checksum now
// drops its hits and is reported.
func (p *Plan) materialize(refs []HitRef) ([]event.Event, error) {
	hits := make([]event.Event, len(refs))
	type blockKey struct {
		s *split.Split
		b int
	}
	rows := map[blockKey][]int{}
	slots := map[blockKey][]int{}
	var order []blockKey
	for i, r := range refs {
		if r.Ev != nil {
			hits[i] = *r.Ev
			continue
		}
		k := blockKey{r.Split, r.Block}
		if _, ok := rows[k]; !ok {
			order = append(order, k)
		}
		rows[k] = append(rows[k], r.Row)
		slots[k] = append(slots[k], i)
	}
	read := readBlocksParallel(len(order), func(br *BlockReader, i int) ([]event.Event, error) {
		k := order[i]
		br.Reset(k.s, k.b)
		return br.Events(rows[k], nil)
	})
	drop := map[int]bool{}
	for b, k := range order {
		err := read[b].err
		if err == nil {
			// The meter is the query's, charged in block order.
			err = p.Meter.ChargeEvents(read[b].events)
		}
		if err != nil {
			if !isCorrupt(err) {
				return nil, err
			}
			p.Skip(k.s, err)
			for _, i := range slots[k] {
				drop[i] = true
			}
			continue
		}
		for j, i := range slots[k] {
			hits[i] = read[b].events[j]
		}
	}
	if len(drop) == 0 {
		return hits, nil
	}
	kept := hits[:0]
	for i, h := range hits {
		if !drop[i] {
			kept = append(kept, h)
		}
	}
	return kept, nil
}

type blockEvents struct {
	events []event.Event
	err    error
}

// materializeReaders keeps the workers' BlockReaders, with their grown
// decompression buffers, from one query to the next (a dashboard asks for
// hits every refresh); the garbage collector empties it when idle.
var materializeReaders = sync.Pool{New: func() any { return NewBlockReader() }}

// readBlocksParallel calls read for blocks 0..n-1 from one worker per core,
// each with its own BlockReader, and returns the answers by block.
func readBlocksParallel(n int, read func(br *BlockReader, i int) ([]event.Event, error)) []blockEvents {
	out := make([]blockEvents, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			br := materializeReaders.Get().(*BlockReader)
			defer func() {
				br.Split = nil // not kept alive by the pool
				materializeReaders.Put(br)
			}()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				out[i].events, out[i].err = read(br, i)
			}
		}()
	}
	wg.Wait()
	return out
}
