package merge

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/event"
	"github.com/triage-logs/triage/pkg/engine/split"
)

func TestMergeSplitEvents(t *testing.T) {
	events := fixtureEvents(3000, 5)
	// Small blocks, so every input crosses many block boundaries.
	small := split.Options{BlockRows: 128, GranuleRows: 64}
	write := func(parts ...[]event.Event) []*split.Split {
		var out []*split.Split
		for _, p := range parts {
			s, _ := splitTestWrite(t, p, small)
			out = append(out, s)
		}
		return out
	}
	// every returns every n-th event from the k-th: interleaved inputs.
	every := func(k, n int) []event.Event {
		var out []event.Event
		for i := k; i < len(events); i += n {
			out = append(out, events[i])
		}
		return out
	}
	tests := []struct {
		name    string
		splits  []*split.Split
		wantErr string
	}{
		{"adjacent in time", write(events[:1000], events[1000:2200], events[2200:]), ""},
		{"interleaved", write(every(0, 3), every(1, 3), every(2, 3)), ""},
		{"one input", write(events), ""},
		{"uneven, given out of order", write(every(1, 2), every(0, 2)[700:], every(0, 2)[:700]), ""},
		{"the same event twice", write(events[:10], events[9:]), "seq"},
	}
	want := sortedFields(events)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SplitEvents(context.Background(), tc.splits)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one about %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("merged %d events, want the %d inputs in order", len(got), len(want))
			}
			for i := range got {
				if cap(got[i].Fields) != len(got[i].Fields) {
					t.Fatalf("event %d keeps %d spare field slots", i, cap(got[i].Fields)-len(got[i].Fields))
				}
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := SplitEvents(ctx, write(events[:1000], events[1000:]))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	})
}
