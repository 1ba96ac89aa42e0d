package split

import (
	"fmt"
	"strings"
	"testing"
)

func TestBloomHoldsItsTerms(t *testing.T) {
	for _, n := range []int{1, 10, 1000, 20000} {
		terms := map[string]struct{}{}
		for i := range n {
			terms[fmt.Sprintf("t%x", i*7919)] = struct{}{}
		}
		filter := appendBloom(nil, terms)
		for term := range terms {
			if ok, err := bloomMayContain(filter, term); err != nil || !ok {
				t.Fatalf("n=%d: %q missing (%v)", n, term, err)
			}
		}
		fp := 0
		for i := range 10000 {
			if ok, _ := bloomMayContain(filter, fmt.Sprintf("absent-%d", i)); ok {
				fp++
			}
		}
		// 10 bits and 7 probes per term give ~1%; small filters are emptier.
		if fp > 200 {
			t.Fatalf("n=%d: %d false positives in 10000", n, fp)
		}
	}
}

func TestBloomRejectsDamagedFilters(t *testing.T) {
	for _, filter := range [][]byte{nil, {1, 2}, {0, 0, 0, 0}, {64, 0, 0, 0, 1}} {
		if _, err := bloomMayContain(filter, "x"); err == nil {
			t.Errorf("filter %v accepted", filter)
		}
	}
}

// FuzzBloom: any bytes as a filter must not panic; terms put in a filter
// are always found.
func FuzzBloom(f *testing.F) {
	f.Add([]byte("\x40\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08"), "a b c")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, filter []byte, words string) {
		bloomMayContain(filter, words)
		terms := map[string]struct{}{}
		for _, w := range strings.Fields(words) {
			terms[w] = struct{}{}
		}
		built := appendBloom(nil, terms)
		for w := range terms {
			if ok, err := bloomMayContain(built, w); err != nil || !ok {
				t.Fatalf("%q missing from its filter (%v)", w, err)
			}
		}
	})
}
