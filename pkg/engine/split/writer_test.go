package split

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// splitTestWrite writes events with small blocks so tests cover many blocks.
func splitTestWrite(t testing.TB, events []event.Event, opts Options) (*Split, string) {
	t.Helper()
	dir := t.TempDir()
	meta, err := writeSplit(dir, fixtureSchema, events, opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, meta.ID)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// readAllEvents reads every event of a split back.
func readAllEvents(t *testing.T, s *Split) []event.Event {
	t.Helper()
	var got []event.Event
	for b := range s.Meta.Blocks {
		var err error
		if got, err = s.ReadEvents(b, nil, got); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// eventsEqual compares events, treating NaN floats as equal.
func eventsEqual(a, b []event.Event) bool {
	norm := func(es []event.Event) []event.Event {
		out := sortedFields(es)
		for i := range out {
			for j := range out[i].Fields {
				if v := &out[i].Fields[j].Value; v.Kind == event.KindFloat64 && math.IsNaN(v.Float()) {
					*v = event.Float64Value(0)
					v.Str = "NaN"
				}
			}
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func TestWriteSplitRoundTrip(t *testing.T) {
	mixed := func(n int) []event.Event {
		out := make([]event.Event, n)
		for i := range out {
			var v event.Value
			switch i % 7 {
			case 0:
				v = event.Int64Value(200)
			case 1:
				v = event.StringValue("OK")
			case 2:
				v = event.Float64Value(math.Inf(-1))
			case 3:
				v = event.BoolValue(true)
			case 4:
				v = event.TimeNanosValue(-12345)
			case 5:
				v = event.Uint64Value(math.MaxUint64)
			case 6:
				v = event.Value{Kind: event.KindNull}
			}
			out[i] = event.Event{Timestamp: int64(i) - 100, Seq: uint64(1000 - i), Fields: []event.Field{{Name: "status", Value: v}}}
			if i%5 == 0 {
				out[i].Fields = append(out[i].Fields, event.Field{Name: "sparse", Value: event.IPValue("10.0.0.1")})
			}
		}
		return out
	}
	cases := []struct {
		name   string
		events []event.Event
		opts   Options
	}{
		{"one event", fixtureEvents(1, 1), Options{BlockRows: 8, GranuleRows: 4}},
		{"one block", fixtureEvents(100, 2), Options{BlockRows: 128, GranuleRows: 32}},
		{"many blocks, partial last", fixtureEvents(1000, 3), Options{BlockRows: 96, GranuleRows: 32}},
		{"mixed kinds and sparse fields", mixed(300), Options{BlockRows: 64, GranuleRows: 16}},
		{"no fields", []event.Event{{Timestamp: math.MinInt64, Seq: 0}, {Timestamp: math.MaxInt64, Seq: math.MaxUint64}}, Options{BlockRows: 1, GranuleRows: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, path := splitTestWrite(t, tc.events, tc.opts)
			if got := readAllEvents(t, s); !eventsEqual(got, tc.events) {
				t.Fatalf("events differ after the round trip\nwant %v\ngot  %v", sortedFields(tc.events)[:1], got[:1])
			}
			m := s.Meta
			if m.Rows != len(tc.events) || m.MinTime != tc.events[0].Timestamp || m.MaxTime != tc.events[len(tc.events)-1].Timestamp {
				t.Fatalf("meta rows/time = %d [%d, %d]", m.Rows, m.MinTime, m.MaxTime)
			}
			onDisk, err := ReadMeta(path)
			if err != nil || !reflect.DeepEqual(onDisk, m) {
				t.Fatalf("ReadSplitMeta = %v, %v", onDisk.ID, err)
			}
			if size := dirSize(t, path); m.SizeBytes != size {
				t.Fatalf("SizeBytes = %d, the split's files hold %d", m.SizeBytes, size)
			}
		})
	}
}

func TestWriteSplitSomeRows(t *testing.T) {
	events := fixtureEvents(500, 9)
	s, _ := splitTestWrite(t, events, Options{BlockRows: 128, GranuleRows: 64})
	got, err := s.ReadEvents(2, []int{0, 17, 127}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := sortedFields([]event.Event{events[256], events[256+17], events[256+127]})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if _, err := s.ReadEvents(2, []int{128}, nil); err == nil {
		t.Fatal("row 128 of a 128-row block was accepted")
	}
}

func TestWriteSplitBounds(t *testing.T) {
	events := fixtureEvents(2000, 4)
	s, _ := splitTestWrite(t, events, Options{BlockRows: 512, GranuleRows: 256})
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range events {
		v, _ := e.Get("latency_ms")
		lo, hi = math.Min(lo, v.Float()), math.Max(hi, v.Float())
	}
	b := s.Meta.Fields["latency_ms"].Bounds
	if len(b) != 1 || float64(b[0].MinFloat) != lo || float64(b[0].MaxFloat) != hi {
		t.Fatalf("latency bounds = %+v, want [%v, %v]", b, lo, hi)
	}
	if fm := s.Meta.Fields["message"]; len(fm.Kinds) != 1 || fm.Kinds[0] != event.KindString {
		t.Fatalf("message kinds = %v", fm.Kinds)
	}
	for i, bm := range s.Meta.Blocks {
		if bm.MinTime != events[i*512].Timestamp || bm.MaxTime != events[min(i*512+511, len(events)-1)].Timestamp {
			t.Fatalf("block %d time range [%d, %d]", i, bm.MinTime, bm.MaxTime)
		}
	}
}

func TestWriteSplitRejects(t *testing.T) {
	unsorted := fixtureEvents(3, 5)
	unsorted[0], unsorted[2] = unsorted[2], unsorted[0]
	cases := []struct {
		name   string
		events []event.Event
		want   string
	}{
		{"empty", nil, "no events"},
		{"unsorted", unsorted, "sorts before"},
		{"repeated field", []event.Event{{Timestamp: 1, Seq: 9, Fields: []event.Field{{Name: "a", Value: event.Int64Value(1)}, {Name: "a", Value: event.Int64Value(2)}}}}, `seq 9 has field "a" twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := WriteSplit(dir, fixtureSchema, tc.events)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("left %d entries behind", len(entries))
			}
		})
	}
}

func TestWriteSplitLeavesNoTemporary(t *testing.T) {
	dir := t.TempDir()
	meta, err := WriteSplit(dir, fixtureSchema, fixtureEvents(10, 6))
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != meta.ID {
		t.Fatalf("dir holds %v, want only %s", entries, meta.ID)
	}
}

func TestRemoveSplitTemps(t *testing.T) {
	dir := t.TempDir()
	meta, err := WriteSplit(dir, fixtureSchema, fixtureEvents(10, 6))
	if err != nil {
		t.Fatal(err)
	}
	// A crash before the rename leaves a temporary directory with a partial
	// split: here a data file and no metadata.
	tmp := filepath.Join(dir, splitTempPrefix+"0000000000000001-000000000000")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, SplitDataFile), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(tmp); err == nil {
		t.Fatal("a partial split opened")
	}
	if !IsSplitTemp(filepath.Base(tmp)) || IsSplitTemp(meta.ID) {
		t.Fatal("IsSplitTemp misclassifies")
	}
	if err := RemoveSplitTemps(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != meta.ID {
		t.Fatalf("dir holds %v, want only %s", entries, meta.ID)
	}
}
