package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/internal/quickwit"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// tokenTestConfig maps one field per tokenizer; `dyn` stays dynamic
// (default tokenizer).
func tokenTestConfig(id string) IndexConfig {
	return IndexConfig{IndexID: id, DocMapping: DocMapping{Mode: ModeDynamic, TimestampField: "timestamp",
		FieldMappings: []FieldMapping{
			{Name: "timestamp", Type: TypeDatetime, Fast: true},
			{Name: "msg", Type: TypeText, Tokenizer: split.TokenizerDefault},
			{Name: "raw_f", Type: TypeText, Tokenizer: split.TokenizerRaw},
			{Name: "low_f", Type: TypeText, Tokenizer: split.TokenizerLowercase},
			{Name: "ws_f", Type: TypeText, Tokenizer: split.TokenizerWhitespace},
		}},
		SearchSettings: SearchSettings{DefaultSearchFields: []string{"msg", "low_f"}}}
}

var tokenTestFields = []string{"msg", "raw_f", "low_f", "ws_f", "dyn"}

// tokenTestEngine ingests count events whose text fields come from a pool
// of punctuation- and Unicode-heavy values (plus unique words, so some
// granules keep their terms in bloom filters) into two splits and the head.
func tokenTestEngine(t *testing.T, seed uint64, count int) (*Engine, []event.Event) {
	opts := testOptions()
	opts.FlushBytes, opts.MaxBufferBytes = 1<<40, 1<<40
	e := openTestEngine(t, t.TempDir(), opts)
	t.Cleanup(func() { e.Close() })
	if err := e.CreateIndex(tokenTestConfig("tok")); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 99))
	pool := make([]string, 80)
	for i := range pool {
		pool[i] = quickwit.RandomText(r)
	}
	var batch [][]byte
	for i := 0; i < count; i++ {
		doc := map[string]any{"timestamp": 1_768_485_600 + i}
		for _, f := range tokenTestFields {
			if r.IntN(8) == 0 {
				continue
			}
			v := pool[r.IntN(len(pool))]
			if f == "msg" && r.IntN(2) == 0 {
				v += fmt.Sprintf(" u%dx%d", seed, i)
			}
			doc[f] = v
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, b)
		if len(batch) == 500 || i == count-1 {
			if res, err := e.Ingest(context.Background(), "tok", batch, IngestOptions{Commit: CommitForce}); err != nil || len(res.Rejected) > 0 {
				t.Fatal(err, res.Rejected)
			}
			batch = batch[:0]
		}
		if i == count/3 || i == 2*count/3 {
			if err := e.Flush("tok"); err != nil {
				t.Fatal(err)
			}
		}
	}
	events := allEvents(t, e, "tok")
	slices.SortFunc(events, compareEvents)
	return e, events
}

// tokenQueryText derives query text from a value: all of it, one of its
// tokens (case changed), a piece cut at random chars, or unrelated text.
func tokenQueryText(r *rand.Rand, field, value string) string {
	switch r.IntN(5) {
	case 0:
		return value
	case 1:
		toks := quickwit.Terms(bruteTokenizer(field), value)
		if len(toks) == 0 {
			return value
		}
		tk := toks[r.IntN(len(toks))]
		if r.IntN(2) == 0 {
			tk = strings.ToUpper(tk)
		}
		return tk
	case 2, 3:
		runes := []rune(value)
		if len(runes) == 0 {
			return value
		}
		i := r.IntN(len(runes))
		j := i + 1 + r.IntN(len(runes)-i)
		return string(runes[i:j])
	}
	return quickwit.RandomText(r)
}

// TestTokenizedSearchMatchesQuickwitOracle compares term, phrase, phrase-
// prefix and prefix queries on fields of every tokenizer, split and head
// alike, with the brute-force evaluator tokenizing the Quickwit way.
func TestTokenizedSearchMatchesQuickwitOracle(t *testing.T) {
	e, events := tokenTestEngine(t, 3, 3000)
	snap, err := e.Snapshot("tok")
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Release()
	ix, _ := e.lookup("tok")
	schema := newIndexSchema(ix.mapper.Load(), snap)
	r := rand.New(rand.NewPCG(5, 6))
	matched := 0
	for i := 0; i < 600; i++ {
		field := tokenTestFields[r.IntN(len(tokenTestFields))]
		var value string
		for tries := 0; value == "" && tries < 10; tries++ {
			if v, ok := events[r.IntN(len(events))].Get(field); ok {
				value = v.Str
			}
		}
		text := tokenQueryText(r, field, value)
		if !utf8.ValidString(text) || text == "" {
			continue
		}
		var node query.Node
		switch r.IntN(5) {
		case 0:
			node = query.Term{Field: field, Value: text}
		case 1:
			node = query.Phrase{Field: field, Text: text}
		case 2:
			node = query.Phrase{Field: field, Text: text, Prefix: true}
		case 3:
			node = query.Prefix{Field: field, Value: text}
		default:
			node = query.Term{Value: text} // default search fields
		}
		q := query.Print(node)
		f, err := query.Resolve(node, schema, time.Now())
		if err != nil {
			t.Fatalf("resolve %s: %v", q, err)
		}
		want := 0
		for j := range events {
			if bruteMatch(f, &events[j]) {
				want++
			}
		}
		res, err := e.Search(context.Background(), SearchRequest{Index: "tok", Query: q, Limit: 1, CountTotal: true})
		if err != nil {
			t.Fatalf("query %d %q: %v", i, q, err)
		}
		if res.Total != int64(want) {
			t.Fatalf("query %d %q: %d hits, the Quickwit oracle finds %d", i, q, res.Total, want)
		}
		if want > 0 {
			matched++
		}
	}
	if matched < 200 {
		t.Fatalf("only %d of 600 queries matched anything: the generator is too weak", matched)
	}
}
