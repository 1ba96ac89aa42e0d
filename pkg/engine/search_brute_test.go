package engine

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/internal/quickwit"
	"github.com/triage-logs/triage/pkg/engine/split"
	"github.com/triage-logs/triage/pkg/query"
)

// The brute-force evaluator is the specification the engine is compared
// with: every event, every clause, no index, no pruning, no columns.

// bruteValue returns ev's value of field, the timestamp included.
func bruteValue(ev *event.Event, field string) (event.Value, bool) {
	if field == "timestamp" {
		return event.TimeNanosValue(ev.Timestamp), true
	}
	return ev.Get(field)
}

// bruteTokenizer says how the default mapping tokenizes the loadgen fields
// (and the tokenizer test mapping its fields, see tokenTestConfig).
func bruteTokenizer(field string) string {
	switch field {
	case "severity", "raw_f":
		return split.TokenizerRaw
	case "low_f":
		return split.TokenizerLowercase
	case "ws_f":
		return split.TokenizerWhitespace
	}
	return split.TokenizerDefault
}

func bruteMatch(f query.Filter, ev *event.Event) bool {
	switch v := f.(type) {
	case query.FilterAll:
		return true
	case query.FilterAnd:
		for _, c := range v.Filters {
			if !bruteMatch(c, ev) {
				return false
			}
		}
		return true
	case query.FilterOr:
		for _, c := range v.Filters {
			if bruteMatch(c, ev) {
				return true
			}
		}
		return false
	case query.FilterNot:
		return !bruteMatch(v.Filter, ev)
	case query.FilterExists:
		_, ok := bruteValue(ev, v.Field.Name)
		return ok
	case query.FilterTerm:
		val, ok := bruteValue(ev, v.Field.Name)
		return ok && bruteEqual(v.Field.Name, val, v.Value)
	case query.FilterSet:
		val, ok := bruteValue(ev, v.Field.Name)
		for _, q := range v.Values {
			if ok && bruteEqual(v.Field.Name, val, q) {
				return true
			}
		}
		return false
	case query.FilterPhrase:
		val, ok := bruteValue(ev, v.Field.Name)
		if !ok {
			return false
		}
		if val.Kind != event.KindString {
			if v.Prefix {
				return strings.HasPrefix(val.Text(), v.Text)
			}
			return val.Text() == v.Text
		}
		tok := bruteTokenizer(v.Field.Name)
		return brutePhrase(bruteTokenize(tok, val.Str), quickwit.Tokens(tok, v.Text), v.Prefix)
	case query.FilterPrefix:
		val, ok := bruteValue(ev, v.Field.Name)
		if !ok {
			return false
		}
		if val.Kind != event.KindString {
			return strings.HasPrefix(val.Text(), v.Prefix)
		}
		tok := bruteTokenizer(v.Field.Name)
		q := quickwit.Tokens(tok, v.Prefix)
		whole := tok == split.TokenizerRaw || tok == split.TokenizerLowercase
		if len(trimDropped(q)) == 0 && !whole {
			return true // only separators: Triage matches any value
		}
		// The last token may continue unless the prefix ends outside a token.
		last, _ := utf8.DecodeLastRuneInString(v.Prefix)
		open := whole || tok == split.TokenizerWhitespace && !strings.ContainsRune(" \t\n\f\r", last) || tok == split.TokenizerDefault && quickwit.Alphanumeric(last)
		return brutePhrase(bruteTokenize(tok, val.Str), q, open)
	case query.FilterRange:
		val, ok := bruteValue(ev, v.Field.Name)
		if !ok {
			return false
		}
		if !v.Lower.Unbounded {
			c, ok := bruteCompare(val, v.Lower.Value)
			if !ok || c < 0 || c == 0 && !v.Lower.Inclusive {
				return false
			}
		}
		if !v.Upper.Unbounded {
			c, ok := bruteCompare(val, v.Upper.Value)
			if !ok || c > 0 || c == 0 && !v.Upper.Inclusive {
				return false
			}
		}
		return true
	}
	panic("brute: unknown filter")
}

func bruteEqual(field string, val event.Value, q query.Value) bool {
	if val.Kind == event.KindString {
		if q.Type != query.TypeText && q.Type != query.TypeJSON {
			return false
		}
		tok := bruteTokenizer(field)
		return brutePhrase(bruteTokenize(tok, val.Str), quickwit.Tokens(tok, q.Text), false)
	}
	c, ok := bruteCompare(val, q)
	return ok && c == 0
}

// bruteCompare compares the kinds loadgen produces: strings, i64, f64, time.
func bruteCompare(val event.Value, q query.Value) (int, bool) {
	switch val.Kind {
	case event.KindString:
		if q.Type == query.TypeText || q.Type == query.TypeJSON {
			return strings.Compare(val.Str, q.Text), true
		}
	case event.KindInt64, event.KindFloat64:
		a, _ := val.AsFloat()
		var b float64
		switch q.Type {
		case query.TypeI64:
			b = float64(q.Int)
		case query.TypeF64:
			b = q.Float
		default:
			return 0, false
		}
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	case event.KindTime:
		if q.Type == query.TypeDatetime {
			switch {
			case val.Int() < q.Int:
				return -1, true
			case val.Int() > q.Int:
				return 1, true
			}
			return 0, true
		}
	}
	return 0, false
}

// bruteTokenCache memoizes the oracle's tokens of row values, which repeat
// a lot; tests using the brute-force evaluator run it from one goroutine.
var bruteTokenCache = map[string][]quickwit.Token{}

func bruteTokenize(tok, s string) []quickwit.Token {
	key := tok + "\x00" + s
	toks, ok := bruteTokenCache[key]
	if !ok {
		toks = quickwit.Tokens(tok, s)
		if len(bruteTokenCache) > 1<<20 {
			clear(bruteTokenCache)
		}
		bruteTokenCache[key] = toks
	}
	return toks
}

// trimDropped removes dropped tokens at either end of a query: they
// constrain no position.
func trimDropped(q []quickwit.Token) []quickwit.Token {
	for len(q) > 0 && q[0].Dropped {
		q = q[1:]
	}
	for len(q) > 0 && q[len(q)-1].Dropped {
		q = q[:len(q)-1]
	}
	return q
}

// brutePhrase is tantivy's phrase query on positions: q's tokens at
// consecutive positions of row, a dropped query token matching any
// position and a dropped row token matching no term; open lets the last
// token be a prefix (a phrase prefix query). A query without tokens
// matches nothing (zero_terms_query: none).
func brutePhrase(row, q []quickwit.Token, open bool) bool {
	if n := len(q); n > 0 && q[n-1].Dropped {
		open = false // the prefix token itself was dropped
	}
	q = trimDropped(q)
	if len(q) == 0 {
		return false
	}
outer:
	for i := 0; i+len(q) <= len(row); i++ {
		for j, t := range q {
			r := row[i+j]
			switch {
			case t.Dropped:
			case r.Dropped:
				continue outer
			case j == len(q)-1 && open:
				if !strings.HasPrefix(r.Text, t.Text) {
					continue outer
				}
			case r.Text != t.Text:
				continue outer
			}
		}
		return true
	}
	return false
}

// queryGen builds random queries from values that occur in events, so
// that most clauses match something.
type queryGen struct {
	rnd    *rand.Rand
	events []event.Event
}

var genTextFields = []string{"service", "host", "severity", "endpoint", "message", "user_id", "trace_id"}

func (g *queryGen) Pick() *event.Event { return &g.events[g.rnd.IntN(len(g.events))] }

func (g *queryGen) text(field string) string {
	v, _ := g.Pick().Get(field)
	return v.Str
}

func (g *queryGen) word(field string) string {
	toks := split.Tokenize(g.text(field))
	if len(toks) == 0 {
		return "x"
	}
	return toks[g.rnd.IntN(len(toks))]
}

func (g *queryGen) node(depth int) query.Node {
	if depth > 0 && g.rnd.IntN(3) == 0 {
		n := 2 + g.rnd.IntN(2)
		cs := make([]query.Node, n)
		for i := range cs {
			cs[i] = g.node(depth - 1)
		}
		switch g.rnd.IntN(3) {
		case 0:
			return query.Or{Clauses: cs}
		case 1:
			return query.Not{Clause: cs[0]}
		}
		return query.And{Clauses: cs}
	}
	f := genTextFields[g.rnd.IntN(len(genTextFields))]
	switch g.rnd.IntN(10) {
	case 0:
		return query.Term{Field: f, Value: g.text(f)}
	case 1:
		return query.Term{Field: f, Value: g.word(f)}
	case 2:
		return query.Term{Value: g.word("message")}
	case 3:
		w := g.word("message")
		return query.Prefix{Field: "message", Value: w[:1+g.rnd.IntN(len(w))]}
	case 4:
		ep := g.text("endpoint")
		return query.Prefix{Field: "endpoint", Value: ep[:1+g.rnd.IntN(len(ep))]}
	case 5:
		toks := split.Tokenize(g.text("message"))
		i := g.rnd.IntN(len(toks))
		j := min(len(toks), i+1+g.rnd.IntN(3))
		return query.Phrase{Field: "message", Text: strings.Join(toks[i:j], " "), Prefix: g.rnd.IntN(3) == 0}
	case 6:
		return query.Set{Field: "severity", Values: []string{g.text("severity"), g.text("severity")}}
	case 7:
		v, _ := g.Pick().Get("status_code")
		lo := strconv.FormatInt(v.Int(), 10)
		switch g.rnd.IntN(3) {
		case 0:
			return query.Term{Field: "status_code", Value: lo}
		case 1:
			return query.Range{Field: "status_code", Lower: query.Bound{Value: lo, Inclusive: g.rnd.IntN(2) == 0}, Upper: query.Bound{Unbounded: true}}
		}
		return query.Range{Field: "status_code", Lower: query.Bound{Unbounded: true}, Upper: query.Bound{Value: lo, Inclusive: g.rnd.IntN(2) == 0}}
	case 8:
		a, _ := g.Pick().Get("latency_ms")
		b, _ := g.Pick().Get("latency_ms")
		lo, hi := min(a.Float(), b.Float()), max(a.Float(), b.Float())
		return query.Range{Field: "latency_ms",
			Lower: query.Bound{Value: strconv.FormatFloat(lo, 'f', -1, 64), Inclusive: g.rnd.IntN(2) == 0},
			Upper: query.Bound{Value: strconv.FormatFloat(hi, 'f', -1, 64), Inclusive: g.rnd.IntN(2) == 0}}
	}
	if g.rnd.IntN(2) == 0 {
		ts := time.Unix(0, g.Pick().Timestamp).UTC().Format(time.RFC3339Nano)
		return query.Range{Field: "timestamp", Lower: query.Bound{Value: ts, Inclusive: true}, Upper: query.Bound{Unbounded: true}}
	}
	return query.Exists{Field: []string{"trace_id", "user_id", "nope"}[g.rnd.IntN(3)]}
}

// timeRange returns a random [start, end) over the events, sometimes open.
func (g *queryGen) timeRange() (time.Time, time.Time) {
	if g.rnd.IntN(4) == 0 {
		return time.Time{}, time.Time{}
	}
	a, b := g.Pick().Timestamp, g.Pick().Timestamp
	if a > b {
		a, b = b, a
	}
	return time.Unix(0, a), time.Unix(0, b+1)
}

// logsSchema is the schema queries over index logs resolve against, over a
// snapshot released when the test ends.
func logsSchema(t *testing.T, e *Engine) *indexSchema {
	t.Helper()
	snap, err := e.Snapshot("logs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(snap.Release)
	ix, _ := e.lookup("logs")
	return newIndexSchema(ix.mapper.Load(), snap)
}

// bruteHits returns the events of [start, end) that f matches, by brute
// force, in ingest order.
func bruteHits(f query.Filter, events []event.Event, start, end time.Time) []*event.Event {
	var want []*event.Event
	for j := range events {
		ev := &events[j]
		if (start.IsZero() || ev.Timestamp >= start.UnixNano()) && (end.IsZero() || ev.Timestamp < end.UnixNano()) && bruteMatch(f, ev) {
			want = append(want, ev)
		}
	}
	return want
}
