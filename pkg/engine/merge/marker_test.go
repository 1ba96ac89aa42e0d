package merge

import (
	"errors"
	"slices"
	"testing"

	"github.com/triage-logs/triage/pkg/engine/split"
)

func TestMergeMarkerDecode(t *testing.T) {
	good, err := EncodeMarker(Marker{Replaces: []string{"0000000000000001-aaaaaaaaaaaa", "0000000000000002-bbbbbbbbbbbb"}})
	if err != nil {
		t.Fatal(err)
	}
	withIDs := func(ids ...string) []byte {
		b, err := EncodeMarker(Marker{Replaces: ids})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	flipped := slices.Clone(good)
	flipped[8] ^= 1
	tests := []struct {
		name    string
		in      []byte
		want    []string
		corrupt bool
	}{
		{"round trip", good, []string{"0000000000000001-aaaaaaaaaaaa", "0000000000000002-bbbbbbbbbbbb"}, false},
		{"no inputs", withIDs(), nil, false},
		{"empty file", nil, nil, true},
		{"wrong magic", append([]byte("TRSM"), good[4:]...), nil, true},
		{"flipped bit", flipped, nil, true},
		{"truncated", good[:len(good)-1], nil, true},
		{"a path, not an id", withIDs("../other"), nil, true},
		{"a temp directory", withIDs(".tmp-x"), nil, true},
		{"an empty id", withIDs(""), nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeMarker(tc.in)
			if tc.corrupt {
				if !errors.Is(err, split.ErrCorrupt) {
					t.Fatalf("error %v, want ErrCorruptSplit", err)
				}
				return
			}
			if err != nil || !slices.Equal(m.Replaces, tc.want) {
				t.Fatalf("decode = %v, %v; want %v", m.Replaces, err, tc.want)
			}
		})
	}
}

// FuzzDecodeMergeMarker: any bytes decode or fail with ErrCorruptSplit,
// and what decodes encodes back to a marker that decodes the same.
func FuzzDecodeMergeMarker(f *testing.F) {
	for _, ids := range [][]string{nil, {"a"}, {"0000000000000001-aaaaaaaaaaaa", "0000000000000002-bbbbbbbbbbbb"}} {
		b, err := EncodeMarker(Marker{Replaces: ids})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMarker(b)
		if err != nil {
			if !errors.Is(err, split.ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorruptSplit", err)
			}
			return
		}
		again, err := EncodeMarker(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeMarker(again)
		if err != nil || !slices.Equal(m.Replaces, m2.Replaces) {
			t.Fatalf("re-decoded %v, %v; want %v", m2.Replaces, err, m.Replaces)
		}
	})
}
