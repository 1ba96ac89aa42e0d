package quickwit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/aggresult"
	"github.com/triage-logs/triage/pkg/backend/transport"
	"github.com/triage-logs/triage/pkg/engine"
)

// valuesScan is the terms size asked for when values are filtered by a
// prefix here (Quickwit's terms aggregation has no prefix filter).
const valuesScan = 10_000

// esTypes maps _field_caps types to the engine's type names, in the order
// a field with several types is shown.
var esTypes = []struct{ es, engine string }{
	{"date_nanos", engine.TypeDatetime}, {"date", engine.TypeDatetime},
	{"long", engine.TypeI64}, {"unsigned_long", engine.TypeU64}, {"double", engine.TypeF64},
	{"boolean", engine.TypeBool}, {"ip", engine.TypeIP},
	{"keyword", engine.TypeText}, {"text", engine.TypeText}, {"object", engine.TypeJSON},
}

// Fields lists the index's fields from `_field_caps`.
func (b *Backend) Fields(ctx context.Context, index string) ([]engine.FieldInfo, error) {
	path := "/api/v1/_elastic/" + url.PathEscape(index) + "/_field_caps"
	res, err := b.c.Do(ctx, transport.Request{Path: path})
	if err != nil {
		return nil, indexError(index, err)
	}
	var caps struct {
		Fields map[string]map[string]struct {
			Type         string `json:"type"`
			Aggregatable bool   `json:"aggregatable"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(res.Body, &caps); err != nil {
		return nil, fmt.Errorf("quickwit: %s: read the answer: %w", path, err)
	}
	out := make([]engine.FieldInfo, 0, len(caps.Fields))
	for name, types := range caps.Fields {
		if strings.HasPrefix(name, "_") {
			continue // metadata fields (_source, _id…)
		}
		fi := engine.FieldInfo{Name: name, Type: engine.TypeText}
		for _, t := range esTypes {
			if c, ok := types[t.es]; ok {
				fi.Type, fi.Aggregatable = t.engine, c.Aggregatable
				break
			}
		}
		out = append(out, fi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// FieldValues ranks a field's values with a terms aggregation.
func (b *Backend) FieldValues(ctx context.Context, req engine.FieldValuesRequest) ([]engine.FieldValue, error) {
	limit, err := backend.ValuesLimit(req.Limit)
	if err != nil {
		return nil, err
	}
	if req.Field == "" {
		return nil, fmt.Errorf("field values: name the field whose values to list")
	}
	m, err := b.mapping(ctx, req.Index)
	if err != nil {
		return nil, err
	}
	if req.Field == m.info.TimestampField {
		return nil, fmt.Errorf("field values: %q is the timestamp field; its values are not a list to choose from", req.Field)
	}
	size := limit
	if req.Prefix != "" {
		size = valuesScan
	}
	agg := engine.Agg{Name: "values", Terms: &engine.TermsAgg{Field: req.Field, Size: size}}
	res, err := b.Aggregate(ctx, engine.AggRequest{Index: req.Index, Query: req.Query, Start: req.Start, End: req.End, Now: req.Now, Aggs: []engine.Agg{agg}})
	if err != nil {
		return nil, err
	}
	var kept []engine.Bucket
	for _, bk := range res.Aggs[0].Buckets {
		if len(bk.Key) >= len(req.Prefix) && strings.EqualFold(bk.Key[:len(req.Prefix)], req.Prefix) {
			kept = append(kept, bk)
		}
	}
	kept, _ = aggresult.Cut(kept, limit)
	out := make([]engine.FieldValue, len(kept))
	for i, bk := range kept {
		out[i] = engine.FieldValue{Value: bk.Key, Count: bk.DocCount}
	}
	return out, nil
}
