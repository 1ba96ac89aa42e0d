package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/query"
)

// incidentQueries is written by the frontend's own interpolation code
// (src/dashboards/dashboardQueries.test.ts): every query the bundled
// dashboard and its alert rule send, for sample variable selections.
const incidentQueries = "../../../src/dashboards/testdata/incident-queries.golden"

type goldenQuery struct {
	Scenario string          `json:"scenario"`
	Source   string          `json:"source"`
	Model    json.RawMessage `json:"model"`
}

// TestDashboardQueries runs every interpolated dashboard and alert query on
// every backend: counts per bucket and group, heatmap cells, top-N names
// and their counts, and the newest hits must equal the embedded engine's.
func TestDashboardQueries(t *testing.T) {
	raw, err := os.ReadFile(incidentQueries)
	if err != nil {
		t.Fatalf("read %s: %v", incidentQueries, err)
	}
	var golden []goldenQuery
	if err := json.Unmarshal(raw, &golden); err != nil || len(golden) == 0 {
		t.Fatalf("decode %s: %v (%d queries)", incidentQueries, err, len(golden))
	}
	ctx := context.Background()
	for _, g := range golden {
		t.Run(g.Scenario+"/"+g.Source, func(t *testing.T) {
			m, err := query.ParseQueryModel(g.Model, query.ModelDefaults{DefaultIndex: index})
			if err != nil {
				t.Fatal(err)
			}
			r := resolve(m, dataFrom, dataTo)
			want, err := answer(ctx, targets[0].be, r)
			if err != nil {
				t.Fatalf("on the embedded engine: %v", err)
			}
			if len(want) < 2 {
				t.Fatalf("the reference answer is empty, the data does not exercise it")
			}
			forEach(t, func(t *testing.T, _, tg *target) {
				got, err := answer(ctx, tg.be, r)
				if err != nil {
					t.Fatal(err)
				}
				if d := diff(want, got, closeEnough); len(d) > 0 {
					t.Errorf("%s:%s", r.text, joinLines(d))
				}
			})
		})
	}
}

// closeEnough accepts float metrics summed in another order.
func closeEnough(_ string, w, g float64) bool {
	return math.Abs(w-g) <= 1e-9*math.Max(math.Abs(w), 1)
}

// TestRefusalsNameTheConstruct: a construct a store cannot express is
// refused before anything is sent, naming it; the 0.8 fake has no
// cardinality.
func TestRefusalsNameTheConstruct(t *testing.T) {
	ctx := context.Background()
	m := query.Query{QueryType: query.QueryTable, Query: "*", Metrics: []query.Metric{{Type: query.MetricCardinality, Field: "user_id"}}}
	r := resolve(m, dataFrom, dataTo)
	for _, tg := range targets {
		_, err := answer(ctx, tg.be, r)
		var uerr *backend.UnsupportedError
		if strings.Contains(tg.name, "0.8") {
			if !errors.As(err, &uerr) || uerr.Construct != "cardinality(user_id)" {
				t.Errorf("%s: cardinality answered %v, want it refused by name", tg.name, err)
			}
		} else if err != nil {
			t.Errorf("%s: cardinality: %v", tg.name, err)
		}
	}
}
