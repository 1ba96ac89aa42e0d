package victorialogs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/aggresult"
	"github.com/triage-logs/triage/pkg/engine"
)

// valuesScan is how many distinct values field_values is asked for: below
// it the answer is complete with exact counts; at it, VictoriaLogs returns
// an arbitrary subset without counts, and a stats query ranks them instead.
const valuesScan = 10_000

// Fields lists the field names VictoriaLogs has seen, with _time and _msg
// under the configured names. VictoriaLogs keeps no types: every field but
// the timestamp is listed as text, and all are aggregatable.
func (b *Backend) Fields(ctx context.Context, _ string) ([]engine.FieldInfo, error) {
	res, err := b.get(ctx, "/select/logsql/field_names", url.Values{"query": {"*"}})
	if err != nil {
		return nil, err
	}
	values, err := parseValues(res.Body)
	if err != nil {
		return nil, fmt.Errorf("victorialogs: /select/logsql/field_names: %w", err)
	}
	var out []engine.FieldInfo
	for _, v := range values {
		switch v.Value {
		case "_stream", "_stream_id":
		case "_time":
			out = append(out, engine.FieldInfo{Name: b.s.TimestampField, Type: engine.TypeDatetime, Aggregatable: true})
		case "_msg":
			out = append(out, engine.FieldInfo{Name: b.s.MessageField, Type: engine.TypeText})
		default:
			out = append(out, engine.FieldInfo{Name: v.Value, Type: engine.TypeText, Aggregatable: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

type valueHits struct {
	Value string `json:"value"`
	Hits  int64  `json:"hits"`
}

func parseValues(body []byte) ([]valueHits, error) {
	var ans struct {
		Values []valueHits `json:"values"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	return ans.Values, nil
}

// FieldValues returns a field's values by descending count, then value.
func (b *Backend) FieldValues(ctx context.Context, req engine.FieldValuesRequest) ([]engine.FieldValue, error) {
	limit, err := backend.ValuesLimit(req.Limit)
	if err != nil {
		return nil, err
	}
	switch req.Field {
	case "":
		return nil, fmt.Errorf("field values: name the field whose values to list")
	case b.s.TimestampField:
		return nil, fmt.Errorf("field values: %q is the timestamp field; its values are not a list to choose from", req.Field)
	}
	field := req.Field
	if field == b.s.MessageField {
		field = "_msg"
	}
	filter, err := b.filter(req.Query, req.Start, req.End, req.Now)
	if err != nil {
		return nil, err
	}
	args := url.Values{"query": {filter}, "field": {field}, "limit": {strconv.Itoa(valuesScan)}}
	res, err := b.get(ctx, "/select/logsql/field_values", args)
	if err != nil {
		return nil, err
	}
	values, err := parseValues(res.Body)
	if err != nil {
		return nil, fmt.Errorf("victorialogs: /select/logsql/field_values: %w", err)
	}
	if len(values) >= valuesScan {
		if values, err = b.topValues(ctx, filter, field, req.Prefix, limit); err != nil {
			return nil, err
		}
	}
	var buckets []engine.Bucket
	for _, v := range values {
		if v.Value == "" || !hasPrefixFold(v.Value, req.Prefix) {
			continue // "" is how VictoriaLogs shows a missing field
		}
		buckets = append(buckets, engine.Bucket{Key: v.Value, DocCount: v.Hits})
	}
	aggresult.SortTerms(buckets, false)
	buckets, _ = aggresult.Cut(buckets, limit)
	out := make([]engine.FieldValue, len(buckets))
	for i, bk := range buckets {
		out[i] = engine.FieldValue{Value: bk.Key, Count: bk.DocCount}
	}
	return out, nil
}

// topValues ranks values with a stats query when there are too many for
// field_values to count.
func (b *Backend) topValues(ctx context.Context, filter, field, prefix string, limit int) ([]valueHits, error) {
	f := strconv.Quote(field)
	q := filter + " | stats by (" + f + ") count() as hits"
	if prefix != "" {
		q += " | filter " + f + ":~" + strconv.Quote("(?i)^"+regexp.QuoteMeta(prefix))
	}
	// Ties at the cut are ranked here by value, so read a few beyond it.
	q += " | sort by (hits desc) limit " + strconv.Itoa(limit*2+10)
	rows, err := b.query(ctx, q, limit*2+10)
	if err != nil {
		return nil, err
	}
	out := make([]valueHits, 0, len(rows))
	for _, r := range rows {
		n, _ := strconv.ParseInt(r.fields["hits"], 10, 64)
		out = append(out, valueHits{Value: r.fields[field], Hits: n})
	}
	return out, nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
