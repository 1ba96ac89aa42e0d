package query

import (
	"testing"
	"time"
)

// benchLong is a 300+ character dashboard query with sets, ranges, phrases,
// a field group, date math and negation.
const benchLong = `service:IN [payment-service auth-service checkout cart] AND severity:(error OR critical OR warn) ` +
	`AND timestamp:[now-6h TO now] AND latency_ms:>=250 AND status_code:{499 TO 600} ` +
	`AND NOT endpoint:/health* AND -k8s.namespace:kube-system AND message:"connection reset by peer" ` +
	`AND (region:eu-west-1 OR region:us-east-1) AND trace_id:* AND user\:agent:Mozilla\/5.0*`

func BenchmarkParse(b *testing.B) {
	cases := []struct{ name, text string }{
		{"short", "severity:error service:payment"},
		{"seed", "severity:ERROR AND service:payment-service AND timestamp:[now-1h TO now]"},
		{"long", benchLong},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				if _, err := Parse(c.text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPrint(b *testing.B) {
	n, err := Parse(benchLong)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Print(n)
	}
}

func BenchmarkResolve(b *testing.B) {
	schema := StaticSchema{Defaults: []string{"message"}, Fields: []FieldInfo{
		{Name: "message", Type: TypeText}, {Name: "timestamp", Type: TypeDatetime},
		{Name: "latency_ms", Type: TypeF64}, {Name: "status_code", Type: TypeU64},
	}}
	n, err := Parse(benchLong)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 1, 15, 14, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Resolve(n, schema, now); err != nil {
			b.Fatal(err)
		}
	}
}
