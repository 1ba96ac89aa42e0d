package engine

import (
	"context"
	"time"
)

// defaultAdmissionWait is the longest an Ingest call waits for buffer room before
// it is refused with ErrOverloaded (HTTP 429). A flush frees a head's worth
// of room every second or so under load; refusing at once instead made a
// client such as Vector back off for a second (Retry-After) each time the
// flusher was a moment behind, which is what cut a 10M-event ingest's rate.
// VictoriaLogs blocks an insert until its buffers have room, too.
const defaultAdmissionWait = 10 * time.Second

// admit reserves size bytes of the ingest buffer. When the buffer is full
// and a flush is under way (a frozen head), it waits up to AdmissionWait
// for room. The batches waiting hold their parsed events meanwhile, so at
// most the buffer's budget again may wait (two 8 MB requests of ~20 MiB
// each at the default 64 MiB); beyond that, or with no flush to wait for,
// the batch is refused at once, and memory stays bounded by twice
// MaxBufferBytes whatever the number of clients. Since waiting absorbs a
// flush's delay, the buffer needs room for a head being flushed and a head
// filling, no more: at 10M events over HTTP, 64 MiB (32 MiB heads) against
// 128 MiB (64 MiB heads) cut peak RSS from 512–557 to 438–460 MiB, ingest
// CPU unchanged, for ~10 more CPU-s of merges afterwards (BENCHMARKS.md).
func (e *Engine) admit(ctx context.Context, size int64) bool {
	if e.reserve(size) {
		return true
	}
	if e.frozenHeads.Load() == 0 || e.opts.AdmissionWait < 0 {
		return false
	}
	if e.waiting.Add(size) > e.opts.MaxBufferBytes {
		e.waiting.Add(-size)
		return false
	}
	defer e.waiting.Add(-size)
	deadline := time.NewTimer(e.opts.AdmissionWait)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if e.reserve(size) {
				return true
			}
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		case <-e.stop:
			return false
		}
	}
}
