package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/triage-logs/triage/test/harness"
)

// liveTailRecording is read by src/explore/liveTail.test.ts, which replays
// it through @grafana/data's StreamingDataFrame; rewrite it with
// `go test ./test -run TestLiveTailPacketsAsGrafanaStreamsThem -update`.
const liveTailRecording = "../src/explore/testdata/live-tail.json"

// liveStart is when the live tail tests' events happen.
var liveStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// recordedTail is the recording's shape: the request as Grafana sent it,
// the first frame as /api/ds/query returns it, and every packet as Grafana
// Live delivers it.
type recordedTail struct {
	Request struct {
		RefID         string          `json:"refId"`
		Model         json.RawMessage `json:"model"`
		FromMs        int64           `json:"fromMs"`
		ToMs          int64           `json:"toMs"`
		MaxDataPoints int64           `json:"maxDataPoints"`
	} `json:"request"`
	// Ingested is every event's message, in ingest order, for the replay's
	// "each row once" check.
	Ingested   []string          `json:"ingested"`
	FirstFrame json.RawMessage   `json:"firstFrame"`
	Packets    []json.RawMessage `json:"packets"`
}

func ingestLines(t *testing.T, ds *harness.Datasource, lines ...string) {
	t.Helper()
	if r := ds.Resource(t, "POST", "ingest/logs?commit=force", []byte(strings.Join(lines, "\n")+"\n")); r.Status != http.StatusOK {
		t.Fatalf("ingest: %d %s", r.Status, r.Body)
	}
}

func tailEvent(at time.Time, severity, msg string) string {
	return fmt.Sprintf(`{"timestamp":%q,"service":"checkout","severity":%q,"trace_id":"t-%s","message":%q}`,
		at.Format(time.RFC3339Nano), severity, strings.ReplaceAll(msg, " ", "-"), msg)
}

// subscribeAndRun subscribes to a stream path and starts its stream, as
// Grafana does for a channel's first subscriber; the stream ends with the test.
func subscribeAndRun(t *testing.T, ds *harness.Datasource, path string) (context.Context, *harness.Stream) {
	t.Helper()
	if s := ds.Subscribe(t, path, nil); s.Status != pluginv2.SubscribeStreamResponse_OK {
		t.Fatalf("subscribe %s: %v", path, s.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	stream, err := ds.RunStream(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, stream
}

// nextPacket waits for the stream's next frame.
func nextPacket(t *testing.T, ctx context.Context, s *harness.Stream) *data.Frame {
	t.Helper()
	select {
	case f, ok := <-s.Frames:
		if !ok {
			t.Fatalf("stream ended: %v", <-s.Err)
		}
		return f
	case <-ctx.Done():
		t.Fatal("no packet before the timeout")
	}
	return nil
}

// liveQuery runs a live logs query and returns its first frame and the
// stream path of its channel.
func liveQuery(t *testing.T, ds *harness.Datasource, q harness.Query) (*data.Frame, string) {
	t.Helper()
	r := ds.Query(t, q)[q.RefID]
	if r.Error != "" {
		t.Fatal(r.Error)
	}
	f := r.Frames[0]
	prefix := "ds/" + ds.Settings.Uid + "/"
	if f.Meta == nil || !strings.HasPrefix(f.Meta.Channel, prefix) {
		t.Fatalf("meta.channel of %+v is not a channel of this datasource", f.Meta)
	}
	// The browser subscribes to <orgId>/<channel>; Grafana Live (centrifuge)
	// refuses channels over 255 characters.
	if n := len("1/" + f.Meta.Channel); n > 255 {
		t.Fatalf("channel %q is %d characters with the org prefix; Grafana Live allows 255", f.Meta.Channel, n)
	}
	return f, strings.TrimPrefix(f.Meta.Channel, prefix)
}

func rowIDs(t *testing.T, f *data.Frame) []string {
	t.Helper()
	ids := fieldByName(t, f, "id")
	out := make([]string, f.Rows())
	for i := range out {
		out[i] = ids.At(i).(string)
	}
	return out
}

// checkOldestFirst fails unless f's rows ascend in time.
func checkOldestFirst(t *testing.T, what string, f *data.Frame) {
	t.Helper()
	for i := 1; i < f.Rows(); i++ {
		if f.Fields[0].At(i).(time.Time).Before(f.Fields[0].At(i - 1).(time.Time)) {
			t.Fatalf("%s: row %d is older than row %d; Grafana's streaming buffer appends and trims oldest-first", what, i, i-1)
		}
	}
}

// TestLiveTailPacketsAsGrafanaStreamsThem runs a live query as Grafana does
// (QueryData, then SubscribeStream and RunStream on its meta.channel) and
// checks what Grafana's StreamingDataFrame needs: every packet carries the
// query's refId and its full meta.custom, the first frame and every packet
// are oldest-first, and no row is sent twice, while rows that arrived
// between the query and the subscription still come. It records the
// exchange for the jest replay.
func TestLiveTailPacketsAsGrafanaStreamsThem(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	ds.Settings.Uid = "triage-live" // the channel carries it; the recording needs it fixed
	var rec recordedTail
	var ingested []string
	ingest := func(lines ...string) {
		for _, l := range lines {
			var ev struct{ Message string }
			_ = json.Unmarshal([]byte(l), &ev)
			ingested = append(ingested, ev.Message)
		}
		ingestLines(t, ds, lines...)
	}
	at := func(ms int) time.Time { return liveStart.Add(time.Duration(ms) * time.Millisecond) }
	ingest(
		tailEvent(at(0), "error", "card declined 1"),
		tailEvent(at(100), "info", "cart viewed"),
		tailEvent(at(200), "error", "card declined 2"),
		tailEvent(at(300), "error", "gateway timeout 1"),
		tailEvent(at(300), "error", "gateway timeout 2"),
		tailEvent(at(400), "error", "card declined 3"),
	)
	q := harness.Query{RefID: "A", JSON: `{"queryType":"logs","query":"service:checkout AND severity:error","limit":4,"live":true}`,
		From: liveStart.Add(-time.Hour), To: liveStart.Add(time.Second), MaxDataPoints: 6}
	first, path := liveQuery(t, ds, q)
	if first.RefID != "A" {
		t.Fatalf("first frame refId %q, want A", first.RefID)
	}
	if first.Rows() != 4 {
		t.Fatalf("first frame holds %d rows, want the newest 4 errors", first.Rows())
	}
	checkOldestFirst(t, "first frame", first)
	// Between the answer and the subscription: these must still come, once.
	ingest(tailEvent(at(500), "error", "gap error 1"), tailEvent(at(500), "info", "gap info"), tailEvent(at(600), "error", "gap error 2"))

	ctx, stream := subscribeAndRun(t, ds, path)
	packets := []*data.Frame{nextPacket(t, ctx, stream)}
	ingest(tailEvent(at(700), "error", "live error 1"), tailEvent(at(700), "info", "live info"), tailEvent(at(800), "error", "live error 2"))
	packets = append(packets, nextPacket(t, ctx, stream))
	ingest(tailEvent(at(650), "error", "late error"), tailEvent(at(900), "error", "live error 3"))
	packets = append(packets, nextPacket(t, ctx, stream))

	firstCustom := first.Meta.Custom.(map[string]any)
	seen := map[string]string{}
	for _, id := range rowIDs(t, first) {
		seen[id] = "the first frame"
	}
	var streamed []string
	for i, pkt := range packets {
		what := fmt.Sprintf("packet %d", i)
		if pkt.RefID != "A" {
			t.Errorf("%s refId %q, want A: StreamingDataFrame.push copies it, and the logs panel's Show context needs it", what, pkt.RefID)
		}
		if pkt.Meta == nil || pkt.Meta.Type != data.FrameTypeLogLines {
			t.Fatalf("%s meta %+v, want log-lines", what, pkt.Meta)
		}
		custom, _ := pkt.Meta.Custom.(map[string]any)
		for _, key := range []string{"limit", "searchWords", "dropped"} {
			if !reflect.DeepEqual(custom[key], firstCustom[key]) {
				t.Errorf("%s meta.custom.%s = %v, the first frame's is %v (StreamingDataFrame.push replaces meta)", what, key, custom[key], firstCustom[key])
			}
		}
		checkOldestFirst(t, what, pkt)
		bodies := fieldByName(t, pkt, "body")
		for r, id := range rowIDs(t, pkt) {
			if where, dup := seen[id]; dup {
				t.Errorf("%s resends row %s, already in %s", what, id, where)
			}
			seen[id] = what
			streamed = append(streamed, bodies.At(r).(string))
		}
	}
	want := "gap error 1|gap error 2|live error 1|live error 2|late error|live error 3"
	if got := strings.Join(streamed, "|"); got != want {
		t.Fatalf("streamed %s, want %s", got, want)
	}

	rec.Request.RefID, rec.Request.Model = q.RefID, json.RawMessage(q.JSON)
	rec.Request.FromMs, rec.Request.ToMs, rec.Request.MaxDataPoints = q.From.UnixMilli(), q.To.UnixMilli(), q.MaxDataPoints
	rec.Ingested = ingested
	rec.FirstFrame = frameJSON(t, first)
	for _, pkt := range packets {
		rec.Packets = append(rec.Packets, frameJSON(t, pkt))
	}
	checkRecording(t, liveTailRecording, rec)
}

// frameJSON encodes a frame as Grafana's /api/ds/query and Grafana Live
// carry frames: the SDK's data plane JSON (schema and data).
func frameJSON(t *testing.T, f *data.Frame) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// checkRecording compares rec with the file, or rewrites it with -update.
func checkRecording(t *testing.T, path string, rec any) {
	t.Helper()
	raw, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (rewrite it with -update): %v", path, err)
	}
	if !bytes.Equal(raw, want) {
		t.Fatalf("the recorded exchange differs from %s; if the change is intended, rewrite it with -update and rerun the jest replay", path)
	}
}

// TestLiveTailChannelStaysShortForLongQueries: a dashboard's $service
// selection of ten services makes a long query; its channel must still be
// one Grafana Live accepts, and subscribable.
func TestLiveTailChannelStaysShortForLongQueries(t *testing.T) {
	p := harness.Start(t, harness.Options{})
	ds := p.Datasource(t, map[string]any{"dataDir": t.TempDir(), "ingestListen": ""}, nil)
	ingestLines(t, ds, tailEvent(liveStart, "error", "one"))
	var services []string
	for i := 0; i < 10; i++ {
		services = append(services, fmt.Sprintf(`"payment-service-%02d-eu-west"`, i))
	}
	query := "service:(" + strings.Join(services, " OR ") + `) AND severity:(error OR warn) AND NOT message:"health check"`
	model, _ := json.Marshal(map[string]any{"queryType": "logs", "query": query, "limit": 100, "live": true})
	_, path := liveQuery(t, ds, harness.Query{RefID: "A", JSON: string(model), From: liveStart.Add(-time.Hour), To: liveStart.Add(time.Hour)})
	if s := ds.Subscribe(t, path, nil); s.Status != pluginv2.SubscribeStreamResponse_OK {
		t.Fatalf("subscribe %s: %v", path, s.Status)
	}
	if s := ds.Subscribe(t, "tail/0123456789abcdef", nil); s.Status != pluginv2.SubscribeStreamResponse_NOT_FOUND {
		t.Fatalf("a tail that was never opened was admitted: %v", s.Status)
	}
}

// TestLiveTailSurvivesPluginRestart: after the plugin restarts, Grafana
// resubscribes to the same channel; the new process knows it, sends what
// arrived since the last packet, and nothing sent before.
func TestLiveTailSurvivesPluginRestart(t *testing.T) {
	dir := t.TempDir()
	settings := map[string]any{"dataDir": dir, "ingestListen": ""}
	p1 := harness.Start(t, harness.Options{})
	ds1 := p1.Datasource(t, settings, nil)
	ingestLines(t, ds1, tailEvent(liveStart, "error", "before"))
	_, path := liveQuery(t, ds1, harness.Query{RefID: "B", JSON: `{"queryType":"logs","query":"severity:error","limit":10,"live":true}`,
		From: liveStart.Add(-time.Hour), To: liveStart.Add(time.Second)})
	ctx, s1 := subscribeAndRun(t, ds1, path)
	time.Sleep(200 * time.Millisecond) // let RunStream subscribe
	ingestLines(t, ds1, tailEvent(liveStart.Add(time.Second), "error", "streamed before the restart"))
	if got := fieldByName(t, nextPacket(t, ctx, s1), "body").At(0); got != "streamed before the restart" {
		t.Fatalf("first packet %v", got)
	}
	p1.Stop()

	p2 := harness.Start(t, harness.Options{})
	ds2 := p2.Datasource(t, settings, nil)
	ds2.Settings.Uid = ds1.Settings.Uid
	ingestLines(t, ds2, tailEvent(liveStart.Add(2*time.Second), "error", "while nobody streamed"))
	ctx2, s2 := subscribeAndRun(t, ds2, path)
	pkt := nextPacket(t, ctx2, s2)
	if pkt.RefID != "B" {
		t.Errorf("packet after restart has refId %q, want B", pkt.RefID)
	}
	var got []string
	for i := 0; i < pkt.Rows(); i++ {
		got = append(got, fieldByName(t, pkt, "body").At(i).(string))
	}
	if strings.Join(got, "|") != "while nobody streamed" {
		t.Fatalf("after the restart the stream sent %v, want only what arrived since its last packet", got)
	}
	ingestLines(t, ds2, tailEvent(liveStart.Add(3*time.Second), "error", "after the restart"))
	if got := fieldByName(t, nextPacket(t, ctx2, s2), "body").At(0); got != "after the restart" {
		t.Fatalf("live packet after restart %v", got)
	}
}
