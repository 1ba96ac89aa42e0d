package victorialogs

import (
	"testing"
)

// FuzzParseRows: any answer body is read or refused with an error, within
// the row bound, never a panic.
func FuzzParseRows(f *testing.F) {
	f.Add([]byte(`{"_msg":"a","_time":"2026-01-15T14:00:00.5Z","n":"1"}` + "\n" + `{"hits":"3","service":"x"}`))
	f.Add([]byte(`{"_time":"yesterday"}`))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, err := parseRows(body, 10)
		if err == nil && len(rows) > 10 {
			t.Fatalf("%d rows past the bound", len(rows))
		}
		b := &Backend{}
		for _, r := range rows {
			_ = b.event(r)
		}
	})
}

// FuzzParsePrometheus: stats answers (vector or matrix) are read or refused.
func FuzzParsePrometheus(f *testing.F) {
	f.Add([]byte(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"c","service":"a"},"values":[[1768485600,"1"],[1768485660.5,"2"]]}]}}`), true)
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"c"},"value":[1768489200,"NaN"]}]}}`), false)
	f.Add([]byte(`{"data":{"result":[{"values":[[1]]}]}}`), true)
	f.Fuzz(func(t *testing.T, body []byte, matrix bool) {
		_, _ = parsePrometheus(body, matrix)
	})
}
