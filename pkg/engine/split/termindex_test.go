package split

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/internal/quickwit"
)

// termTestEvents returns events over a small vocabulary so that terms repeat
// across granules, with raw, tokenized, integer and mixed fields.
func termTestEvents(n int, seed uint64) []event.Event {
	r := rand.New(rand.NewPCG(seed, 7))
	words := []string{"Alpha", "beta", "GAMMA", "delta", "epsilon", "zeta", "eta", "theta", "Iota", "ünï"}
	events := make([]event.Event, n)
	for i := range events {
		var msg []string
		for w := r.IntN(4); w >= 0; w-- {
			msg = append(msg, words[r.IntN(len(words))])
		}
		e := event.Event{Timestamp: int64(i), Seq: uint64(i), Fields: []event.Field{
			{Name: "message", Value: event.StringValue(strings.Join(msg, "-"))},
			{Name: "service", Value: event.StringValue(words[r.IntN(3)] + "/" + words[r.IntN(len(words))])},
			{Name: "status_code", Value: event.Int64Value(int64(200 + r.IntN(5)))},
		}}
		if r.IntN(10) == 0 {
			e.Fields = append(e.Fields, event.Field{Name: "trace_id", Value: event.StringValue(fmt.Sprintf("t%d", r.IntN(50)))})
		}
		// Unique per row: granules of more than 256 rows keep it in bloom filters.
		e.Fields = append(e.Fields, event.Field{Name: "user_id", Value: event.StringValue(fmt.Sprintf("u%x", r.Uint64()))})
		if r.IntN(2) == 0 {
			e.Fields = append(e.Fields, event.Field{Name: "dyn", Value: event.StringValue("OK")})
		} else if r.IntN(3) == 0 {
			e.Fields = append(e.Fields, event.Field{Name: "dyn", Value: event.Int64Value(404)})
		}
		events[i] = e
	}
	return events
}

// bruteGranules returns the granules whose rows have a term satisfying match in field.
func bruteGranules(events []event.Event, granuleRows int, field string, match func(term string) bool) *roaring.Bitmap {
	out := roaring.New()
	for i, e := range events {
		v, ok := e.Get(field)
		if !ok || v.Kind == event.KindFloat64 || v.Kind == event.KindTime || v.Kind == event.KindNull {
			continue
		}
		terms := []string{v.Text()}
		if v.Kind == event.KindString {
			terms = quickwit.Terms(fixtureSchema.spec(field).Tokenizer, v.Str)
		}
		for _, term := range terms {
			if match(term) {
				out.Add(uint32(i / granuleRows))
				break
			}
		}
	}
	return out
}

func TestTermIndexMatchesBruteForce(t *testing.T) {
	for _, opts := range []Options{{BlockRows: 64, GranuleRows: 64}, {BlockRows: 128, GranuleRows: 16}, {BlockRows: 1024, GranuleRows: 512}} {
		t.Run(fmt.Sprintf("block%d_granule%d", opts.BlockRows, opts.GranuleRows), func(t *testing.T) {
			events := termTestEvents(1000, uint64(opts.GranuleRows))
			s, _ := splitTestWrite(t, events, opts)
			// Every term of every field, and every prefix of length 1..3 of them.
			vocab := map[string]map[string]bool{}
			for _, e := range events {
				for _, f := range e.Fields {
					if vocab[f.Name] == nil {
						vocab[f.Name] = map[string]bool{}
					}
					for _, term := range bruteGranulesTerms(f) {
						vocab[f.Name][term] = true
					}
				}
			}
			checks, extra := 0, 0
			for field, terms := range vocab {
				// Bloom-filter granules may add false positives, never lose a match.
				bloomed := roaring.New()
				for g, ref := range s.Meta.Blooms[field] {
					if ref.Length > 0 {
						bloomed.Add(uint32(g))
					}
				}
				for term := range terms {
					want := bruteGranules(events, opts.GranuleRows, field, func(x string) bool { return x == term })
					got, err := s.LookupTerm(field, term)
					if err != nil {
						t.Fatal(err)
					}
					fp := roaring.AndNot(got, want)
					if !roaring.AndNot(want, got).IsEmpty() || !roaring.AndNot(fp, bloomed).IsEmpty() {
						t.Fatalf("%s:%q = %v, brute force %v", field, term, got.ToArray(), want.ToArray())
					}
					checks += int(bloomed.GetCardinality())
					extra += int(fp.GetCardinality())
					// Absent terms hit bloom granules only as false positives.
					if got, _ := s.LookupTerm(field, term+"\x00absent"); !roaring.AndNot(got, bloomed).IsEmpty() {
						t.Fatalf("%s: absent term found in %v", field, got.ToArray())
					}
					if n := len(term); n > 3 && n%2 == 0 {
						// Prefix lookups are checked on a sample; bloom granules always answer yes.
						want := roaring.Or(bloomed, bruteGranules(events, opts.GranuleRows, field, func(x string) bool { return strings.HasPrefix(x, term[:n/2]) }))
						got, err := s.LookupPrefix(field, term[:n/2])
						if err != nil {
							t.Fatal(err)
						}
						if !got.Equals(want) {
							t.Fatalf("%s:%q* = %v, want %v", field, term[:n/2], got.ToArray(), want.ToArray())
						}
					}
					if bloomed.GetCardinality() > 0 {
						continue
					}
					for n := 1; n <= 3 && n <= len(term); n++ {
						prefix := term[:n]
						want := bruteGranules(events, opts.GranuleRows, field, func(x string) bool { return strings.HasPrefix(x, prefix) })
						got, err := s.LookupPrefix(field, prefix)
						if err != nil {
							t.Fatal(err)
						}
						if !got.Equals(want) {
							t.Fatalf("%s:%q* = %v, brute force %v", field, prefix, got.ToArray(), want.ToArray())
						}
					}
				}
			}
			if opts.GranuleRows == 512 && len(s.Meta.Blooms["user_id"]) == 0 {
				t.Fatal("unique user ids in 512-row granules were not put in bloom filters")
			}
			if checks > 0 && float64(extra)/float64(checks) > 0.05 {
				t.Fatalf("bloom false positives %d of %d", extra, checks)
			}
			// A phrase's candidates are the granules holding all its terms.
			phrase := Tokenize("beta Gamma")
			want := roaring.And(
				bruteGranules(events, opts.GranuleRows, "message", func(x string) bool { return x == phrase[0] }),
				bruteGranules(events, opts.GranuleRows, "message", func(x string) bool { return x == phrase[1] }))
			got, err := s.LookupAllTerms("message", phrase)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equals(want) {
				t.Fatalf("phrase %v = %v, brute force %v", phrase, got.ToArray(), want.ToArray())
			}
		})
	}
}

// bruteGranulesTerms lists the terms a field value indexes.
func bruteGranulesTerms(f event.Field) []string {
	if f.Value.Kind == event.KindString {
		return quickwit.Terms(fixtureSchema.spec(f.Name).Tokenizer, f.Value.Str)
	}
	return []string{f.Value.Text()}
}

func TestTermIndexFieldsOutsideTheIndex(t *testing.T) {
	events := termTestEvents(300, 3)
	for i := range events {
		events[i].Fields = append(events[i].Fields, event.Field{Name: "latency_ms", Value: event.Float64Value(float64(i))})
	}
	s, _ := splitTestWrite(t, events, Options{BlockRows: 64, GranuleRows: 32})
	all := s.allGranules()
	if all.GetCardinality() != 10 {
		t.Fatalf("granules = %d, want 10", all.GetCardinality())
	}
	cases := []struct {
		name, field, term string
		want              *roaring.Bitmap
	}{
		{"unknown field", "nope", "x", roaring.New()},
		{"not indexed field", "latency_ms", "5", all},
		{"absent term", "message", "omega", roaring.New()},
		{"raw is case-sensitive", "service", "alpha/beta", roaring.New()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.LookupTerm(tc.field, tc.term)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equals(tc.want) {
				t.Fatalf("got %v, want %v", got.ToArray(), tc.want.ToArray())
			}
		})
	}
}

func TestGranuleBlocks(t *testing.T) {
	s, _ := splitTestWrite(t, termTestEvents(300, 4), Options{BlockRows: 64, GranuleRows: 16})
	// 300 rows: blocks of 64 (4 granules each), the last block 44 rows (3 granules).
	got := s.GranuleBlocks(roaring.BitmapOf(0, 3, 4, 17, 18))
	if want := roaring.BitmapOf(0, 1, 4); !got.Equals(want) {
		t.Fatalf("blocks = %v, want %v", got.ToArray(), want.ToArray())
	}
	for g, want := range map[int][3]int{0: {0, 0, 16}, 5: {1, 16, 32}, 18: {4, 32, 44}} {
		b, lo, hi := s.Meta.GranuleBlock(g)
		if [3]int{b, lo, hi} != want {
			t.Fatalf("granule %d = block %d rows [%d, %d), want %v", g, b, lo, hi, want)
		}
	}
}
