package backend

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/triage-logs/triage/pkg/engine"
)

// Embedded is the Backend of the engine inside the plugin: every call goes
// straight to the engine with the caller's request, and results come back
// as the engine made them.
type Embedded struct {
	eng *engine.Engine
}

var _ Backend = (*Embedded)(nil)

// NewEmbedded serves queries from eng; the caller keeps owning (and closes) it.
func NewEmbedded(eng *engine.Engine) *Embedded { return &Embedded{eng: eng} }

// Engine is the engine behind the backend, for what only it offers (ingest).
func (b *Embedded) Engine() *engine.Engine { return b.eng }

// Name returns KindEmbedded.
func (b *Embedded) Name() string { return KindEmbedded }

// Search runs the engine's search; the cursor is the engine's own.
func (b *Embedded) Search(ctx context.Context, req SearchRequest) (SearchResult, error) {
	if req.Cursor != "" {
		c, err := engine.ParseCursor(req.Cursor)
		if err != nil {
			return SearchResult{}, &engine.QueryError{Query: req.Query, Err: err}
		}
		req.After = &c
	}
	res, err := b.eng.Search(ctx, req.SearchRequest)
	if err != nil {
		return SearchResult{}, err
	}
	out := SearchResult{SearchResult: res}
	if res.Next != nil {
		out.Cursor = res.Next.String()
	}
	return out, nil
}

// Aggregate runs the engine's aggregations.
func (b *Embedded) Aggregate(ctx context.Context, req engine.AggRequest) (engine.AggResult, error) {
	return b.eng.Aggregate(ctx, req)
}

// Fields lists the index's mapped and discovered fields.
func (b *Embedded) Fields(_ context.Context, index string) ([]engine.FieldInfo, error) {
	return b.eng.Fields(index)
}

// FieldValues runs the engine's field values.
func (b *Embedded) FieldValues(ctx context.Context, req engine.FieldValuesRequest) ([]engine.FieldValue, error) {
	return b.eng.FieldValues(ctx, req)
}

// Index describes an index from its config and stats.
func (b *Embedded) Index(_ context.Context, index string) (IndexInfo, error) {
	cfg, stats, err := b.eng.DescribeIndex(index)
	if err != nil {
		return IndexInfo{}, err
	}
	return IndexInfo{
		ID:                  cfg.IndexID,
		TimestampField:      cfg.DocMapping.TimestampField,
		MessageField:        cfg.LogSettings.MessageField,
		LevelField:          cfg.LogSettings.LevelField,
		DefaultSearchFields: cfg.SearchSettings.DefaultSearchFields,
		Stats:               &stats,
	}, nil
}

// Indexes describes every index.
func (b *Embedded) Indexes(ctx context.Context) ([]IndexInfo, error) {
	var out []IndexInfo
	for _, id := range b.eng.ListIndexes() {
		info, err := b.Index(ctx, id)
		if err != nil {
			continue // deleted since ListIndexes
		}
		out = append(out, info)
	}
	return out, nil
}

// Tail subscribes to the engine's commits; it ends with ctx too.
func (b *Embedded) Tail(ctx context.Context, req TailRequest) (Tail, error) {
	t, err := b.eng.Tail(req.Index, req.Query, req.Buffer)
	if err != nil {
		return nil, err
	}
	et := &embeddedTail{t: t, stop: make(chan struct{})}
	go func() {
		select {
		case <-ctx.Done():
			t.Close()
		case <-et.stop:
		}
	}()
	return et, nil
}

// embeddedTail adapts *engine.Tail to Tail.
type embeddedTail struct {
	t    *engine.Tail
	stop chan struct{}
	once sync.Once
}

func (t *embeddedTail) Events() <-chan []engine.Event { return t.t.C }
func (t *embeddedTail) Dropped() int64                { return t.t.Dropped() }
func (t *embeddedTail) Err() error                    { return nil }

func (t *embeddedTail) Close() {
	t.t.Close()
	t.once.Do(func() { close(t.stop) })
}

// Health reports the embedded engine as reachable, with the build's version.
func (b *Embedded) Health(_ context.Context) Health {
	started := time.Now()
	n := len(b.eng.ListIndexes())
	return Health{
		Backend: KindEmbedded, Version: buildVersion(), Reachable: true, Latency: time.Since(started),
		Message: fmt.Sprintf("the embedded engine holds %d indexes", n),
	}
}

// buildVersion is the module version the binary was built from, when known.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return ""
}
