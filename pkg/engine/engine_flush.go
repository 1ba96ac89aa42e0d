package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// runFlusher writes heads to splits when asked; one flush runs at a time
// per index, so splits are written in seq order.
func (ix *indexState) runFlusher() {
	defer ix.wg.Done()
	for {
		select {
		case <-ix.stop:
			return
		case <-ix.flushReq:
			// A failed flush keeps its head frozen and searchable; the next
			// commit tick asks again, and the buffer limit pushes back on
			// ingest meanwhile.
			_ = ix.flush()
		}
	}
}

// Flush writes everything ingested into the index so far to splits and
// returns when it is on disk: for benchmarks that measure the store's size,
// and for operators before a backup.
func (e *Engine) Flush(index string) error {
	ix, err := e.lookup(index)
	if err != nil {
		return err
	}
	return ix.flush()
}

// flush freezes the current head, then writes every frozen head, oldest
// first, as a split. flushMu keeps the background flusher and Flush from
// writing the same frozen head twice.
func (ix *indexState) flush() error {
	ix.flushMu.Lock()
	defer ix.flushMu.Unlock()
	ix.freezeHead()
	for {
		ix.viewMu.Lock()
		frozen := ix.view.frozen
		ix.viewMu.Unlock()
		if len(frozen) == 0 {
			return nil
		}
		if err := ix.writeFrozen(frozen[0]); err != nil {
			return err
		}
	}
}

// freezeHead moves the current head to the frozen list and starts an
// empty one. The WAL rolls to a new segment at the same instant, so the
// frozen events sit in closed segments that can be deleted once flushed.
func (ix *indexState) freezeHead() {
	ix.walMu.Lock()
	defer ix.walMu.Unlock()
	old := ix.head
	if _, rows, _ := old.stats(time.Now()); rows == 0 {
		return
	}
	ix.tails.publish(old.commit())
	ix.head = newHead()
	// A failed roll leaves no open segment; the next append retries it.
	_ = ix.wal.Roll()
	ix.viewMu.Lock()
	ix.view = &indexView{head: ix.head, frozen: append(slices.Clip(ix.view.frozen), old), splits: ix.view.splits}
	ix.viewMu.Unlock()
	ix.e.frozenHeads.Add(1)
}

// writeFrozen writes one frozen head as a split, swaps the split in for
// the head, persists the checkpoint and deletes the WAL segments it covers.
func (ix *indexState) writeFrozen(h *head) error {
	events := h.view()
	dir := filepath.Join(ix.dir, indexSplitsDir)
	src := ix.background(context.Background(), &split.SliceSource{Events: events}, ix.flushYield())
	meta, err := split.WriteSplitFrom(dir, ix.splitSchema(events), src, split.DefaultSplitOptions)
	if err != nil {
		return fmt.Errorf("flush index %q: %w", ix.id, err)
	}
	s, err := split.Open(filepath.Join(dir, meta.ID))
	if err != nil {
		return fmt.Errorf("flush index %q: %w", ix.id, err)
	}
	// The split (with MaxSeq in its metadata) is durable already; the
	// checkpoint only keeps seqs increasing if retention deletes it later.
	if err := writeCheckpoint(ix.dir, indexCheckpoint{FlushedSeq: meta.MaxSeq}); err != nil {
		s.Close()
		return fmt.Errorf("flush index %q: %w", ix.id, err)
	}
	ix.flushedSeq.Store(meta.MaxSeq)
	// A head already due is frozen before this one's room is given back,
	// so ingest finding the buffer full always has a flush to wait for
	// (admit refuses at once when none is under way).
	ix.viewMu.Lock()
	current := ix.view.head
	ix.viewMu.Unlock()
	if ix.flushDue(current, time.Now()) {
		ix.freezeHead()
	}
	// The head's ids leave pending as its split becomes visible, atomically
	// for ingest calls checking ids (see idIndex).
	ix.ids.swap.Lock()
	ix.viewMu.Lock()
	v := ix.view
	ref := newSplitRef(s)
	ref.written = time.Now().UnixNano()
	ix.view = &indexView{head: v.head, frozen: v.frozen[1:], splits: append(slices.Clip(v.splits), ref)}
	ix.viewMu.Unlock()
	if meta.IDs > 0 {
		ix.ids.removeEvents(events)
	}
	ix.ids.swap.Unlock()
	ix.e.frozenHeads.Add(-1)
	bytes, _, _ := h.stats(time.Now())
	ix.e.unreserve(bytes)
	ix.walMu.Lock()
	defer ix.walMu.Unlock()
	if err := ix.wal.RemoveCovered(meta.MaxSeq); err != nil {
		return fmt.Errorf("flush index %q: %w", ix.id, err)
	}
	return nil
}

// splitSchema tells the split writer how to index each field of events:
// mapped fields as declared, unmapped strings (dynamic mode, json fields)
// with the default tokenizer so their words are searchable.
func (ix *indexState) splitSchema(events []event.Event) split.Schema {
	schema := ix.mappedSchema()
	var prev []event.Field
	for i := range events {
		fields := events[i].Fields
		for j, f := range fields {
			// Events of a batch share their layout and interned names, so
			// most fields match the previous event's and need no lookup.
			if j < len(prev) && prev[j].Name == f.Name && prev[j].Value.Kind == f.Value.Kind {
				continue
			}
			if f.Value.Kind == event.KindString {
				addDynamicString(schema, f.Name)
			}
		}
		prev = fields
	}
	return schema
}

// mergeSchema is splitSchema for the events of splits, known from their
// metadata without reading them: a field that held a string in any input
// is a dynamic string field.
func (ix *indexState) mergeSchema(splits []*split.Split) split.Schema {
	schema := ix.mappedSchema()
	for _, s := range splits {
		for name, fm := range s.Meta.Fields {
			if slices.Contains(fm.Kinds, event.KindString) {
				addDynamicString(schema, name)
			}
		}
	}
	return schema
}

// mappedSchema is the schema of the mapped fields.
func (ix *indexState) mappedSchema() split.Schema {
	m := ix.mapper.Load()
	schema := split.Schema{}
	for name, r := range m.fields {
		switch {
		case r.typ == TypeText && !r.array:
			schema[name] = split.FieldSpec{Tokenizer: r.tokenizer, Indexed: r.indexed}
		case r.array && r.typ == TypeText:
			// Arrays are kept as JSON text; each element is tokenized.
			schema[name] = split.FieldSpec{Tokenizer: r.tokenizer, Indexed: r.indexed, Elements: true}
		case r.array && (r.typ == TypeIP || r.typ == TypeDatetime):
			schema[name] = split.FieldSpec{Tokenizer: split.TokenizerDefault, Indexed: r.indexed}
		case r.typ != TypeJSON:
			schema[name] = split.FieldSpec{Tokenizer: split.TokenizerRaw, Indexed: r.indexed}
		}
	}
	return schema
}

// addDynamicString indexes an unmapped string field's words.
func addDynamicString(s split.Schema, name string) {
	if _, ok := s[name]; !ok {
		s[name] = split.FieldSpec{Tokenizer: split.TokenizerDefault, Indexed: true}
	}
}
