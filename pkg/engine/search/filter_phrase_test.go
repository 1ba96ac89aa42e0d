package search

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestContainsFoldASCII(t *testing.T) {
	cases := []struct {
		s, sub string
		want   bool
	}{
		{"PaymentGatewayTimeoutException: upstream", "paymentgatewaytimeoutexception", true},
		{"xx PAYMENT", "payment", true},
		{"paymen", "payment", false},
		{"", "a", false},
		{"abc", "", true},
		{"aaaaab", "aab", true},
		{"zq", "qz", false},
		{"a-b", "-b", true},
	}
	for _, c := range cases {
		nd := newFoldNeedle(c.sub)
		if got := containsFoldASCII(c.s, &nd); got != c.want {
			t.Errorf("containsFoldASCII(%q, %q) = %v, want %v", c.s, c.sub, got, c.want)
		}
	}
	// Random strings over a small alphabet against the obvious definition.
	rnd := rand.New(rand.NewPCG(1, 1))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "aAbBqQ-1"[rnd.IntN(8)]
		}
		return string(b)
	}
	for i := 0; i < 20000; i++ {
		s, sub := word(rnd.IntN(12)), strings.ToLower(word(1+rnd.IntN(3)))
		nd := newFoldNeedle(sub)
		if got, want := containsFoldASCII(s, &nd), strings.Contains(strings.ToLower(s), sub); got != want {
			t.Fatalf("containsFoldASCII(%q, %q) = %v, want %v", s, sub, got, want)
		}
	}
}
