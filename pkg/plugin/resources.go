package plugin

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	logstore "github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// templateVariable matches the variable forms Grafana interpolates, which
// the editor must accept before interpolation: $var, ${var}, ${var:fmt},
// [[var]] and the $__macros.
var templateVariable = regexp.MustCompile(`\$\{[^}]*\}|\[\[[^\]]*\]\]|\$[A-Za-z_][A-Za-z0-9_]*`)

// handleValidate parses a query and answers where it is wrong, so the
// editor can underline the position. With variables=allow, variables are
// checked as values of the same length, keeping the error columns true.
func (d *Datasource) handleValidate(w http.ResponseWriter, r *http.Request) {
	text := r.URL.Query().Get("query")
	if r.URL.Query().Get("variables") == "allow" {
		text = templateVariable.ReplaceAllStringFunc(text, func(v string) string { return strings.Repeat("x", len(v)) })
	}
	if _, err := query.Parse(text); err != nil {
		var serr *query.SyntaxError
		if errors.As(err, &serr) {
			writeJSON(w, http.StatusOK, map[string]any{"valid": false, "error": map[string]any{
				"message": serr.Error(), "offset": serr.Offset, "column": serr.Column,
			}})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"valid": false, "error": map[string]any{"message": err.Error(), "offset": 0, "column": 1}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"valid": true})
}

// handleFields lists an index's fields for completion and ad hoc filters.
func (d *Datasource) handleFields(w http.ResponseWriter, r *http.Request) {
	be, err := d.backend()
	if err != nil {
		writeJSONError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	fields, err := be.Fields(r.Context(), d.indexParam(r))
	if err != nil {
		writeEngineError(w, err)
		return
	}
	out := make([]map[string]any, 0, len(fields))
	for _, f := range fields {
		out = append(out, map[string]any{"name": f.Name, "type": f.Type, "aggregatable": f.Aggregatable})
	}
	writeJSON(w, http.StatusOK, map[string]any{"fields": out})
}

// handleValues lists a field's top values in a time range, narrowed by a
// filter query and a prefix: variable options and ad hoc filter values.
func (d *Datasource) handleValues(w http.ResponseWriter, r *http.Request) {
	be, err := d.backend()
	if err != nil {
		writeJSONError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	q := r.URL.Query()
	req := engine.FieldValuesRequest{Index: d.indexParam(r), Field: q.Get("field"), Query: q.Get("query"), Prefix: q.Get("prefix")}
	var perr error
	if req.Start, perr = msParam(q.Get("from")); perr == nil {
		req.End, perr = msParam(q.Get("to"))
	}
	if s := q.Get("limit"); s != "" && perr == nil {
		req.Limit, perr = strconv.Atoi(s)
	}
	if perr != nil {
		writeJSONError(w, http.StatusBadRequest, perr.Error())
		return
	}
	values, err := be.FieldValues(r.Context(), req)
	if err != nil {
		writeEngineError(w, err)
		return
	}
	out := make([]map[string]any, 0, len(values))
	for _, v := range values {
		out = append(out, map[string]any{"value": v.Value, "count": v.Count})
	}
	writeJSON(w, http.StatusOK, map[string]any{"values": out})
}

// handleIndexes lists the indexes with the fields logs are read from (and,
// for the embedded store, their stats).
func (d *Datasource) handleIndexes(w http.ResponseWriter, r *http.Request) {
	be, err := d.backend()
	if err != nil {
		writeJSONError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	infos, err := be.Indexes(r.Context())
	if err != nil {
		writeEngineError(w, err)
		return
	}
	out := []map[string]any{}
	for _, info := range infos {
		ix := map[string]any{
			"id": info.ID, "timestampField": info.TimestampField,
			"messageField": info.MessageField, "levelField": info.LevelField,
		}
		if info.Stats != nil {
			ix["stats"] = info.Stats
		}
		out = append(out, ix)
	}
	writeJSON(w, http.StatusOK, map[string]any{"indexes": out, "backend": be.Name()})
}

func (d *Datasource) indexParam(r *http.Request) string {
	if ix := r.URL.Query().Get("index"); ix != "" {
		return ix
	}
	return d.settings.DefaultIndex
}

// msParam reads an epoch-milliseconds parameter; empty leaves it open.
func msParam(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, errors.New("from and to must be epoch milliseconds, got " + strconv.Quote(s))
	}
	return time.UnixMilli(ms), nil
}

func writeEngineError(w http.ResponseWriter, err error) {
	var qerr *engine.QueryError
	var rerr *logstore.RemoteError
	switch {
	case errors.As(err, &rerr):
		writeJSONError(w, int(remoteStatus(rerr)), err.Error())
	case errors.Is(err, engine.ErrIndexNotFound):
		writeJSONError(w, http.StatusNotFound, err.Error())
	case errors.As(err, &qerr), errors.Is(err, engine.ErrInvalidRequest):
		writeJSONError(w, http.StatusBadRequest, err.Error())
	default:
		writeJSONError(w, http.StatusInternalServerError, err.Error())
	}
}
