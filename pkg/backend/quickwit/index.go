package quickwit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/triage-logs/triage/pkg/backend"
	"github.com/triage-logs/triage/pkg/backend/transport"
	"github.com/triage-logs/triage/pkg/engine"
	"github.com/triage-logs/triage/pkg/query"
)

// defaultCommitTimeout is Quickwit's commit_timeout_secs default.
const defaultCommitTimeout = 60 * time.Second

// indexMetadata is the part of Quickwit's IndexMetadata the adapter reads;
// log_settings is Triage's extension, served by `gpx_triage serve`.
type indexMetadata struct {
	IndexConfig struct {
		IndexID    string `json:"index_id"`
		DocMapping struct {
			Mode           string         `json:"mode"`
			FieldMappings  []fieldMapping `json:"field_mappings"`
			TimestampField string         `json:"timestamp_field"`
		} `json:"doc_mapping"`
		SearchSettings struct {
			DefaultSearchFields []string `json:"default_search_fields"`
		} `json:"search_settings"`
		IndexingSettings struct {
			CommitTimeoutSecs *int `json:"commit_timeout_secs"`
		} `json:"indexing_settings"`
		LogSettings struct {
			MessageField string `json:"message_field"`
			LevelField   string `json:"level_field"`
		} `json:"log_settings"`
	} `json:"index_config"`
}

type fieldMapping struct {
	Name          string          `json:"name"`
	Type          string          `json:"type"`
	Tokenizer     string          `json:"tokenizer"`
	Fast          json.RawMessage `json:"fast"`
	FieldMappings []fieldMapping  `json:"field_mappings"`
}

// indexMapping is what the adapter keeps of one index.
type indexMapping struct {
	info    backend.IndexInfo
	schema  query.StaticSchema
	notFast map[string]bool
	read    time.Time
}

// mapping returns the index's mapping, read again after mappingTTL.
func (b *Backend) mapping(ctx context.Context, index string) (*indexMapping, error) {
	b.mu.Lock()
	m := b.mappings[index]
	b.mu.Unlock()
	if m != nil && time.Since(m.read) < mappingTTL {
		return m, nil
	}
	res, err := b.c.Do(ctx, transport.Request{Path: "/api/v1/indexes/" + url.PathEscape(index)})
	if err != nil {
		return nil, indexError(index, err)
	}
	var md indexMetadata
	if err := json.Unmarshal(res.Body, &md); err != nil {
		return nil, fmt.Errorf("quickwit: /api/v1/indexes/%s: read the index metadata: %w", index, err)
	}
	m = newMapping(index, md)
	b.mu.Lock()
	b.mappings[index] = m
	b.mu.Unlock()
	return m, nil
}

func newMapping(index string, md indexMetadata) *indexMapping {
	cfg := md.IndexConfig
	m := &indexMapping{read: time.Now(), notFast: map[string]bool{}}
	m.info = backend.IndexInfo{
		ID: index, TimestampField: cfg.DocMapping.TimestampField,
		MessageField: cfg.LogSettings.MessageField, LevelField: cfg.LogSettings.LevelField,
		DefaultSearchFields: cfg.SearchSettings.DefaultSearchFields,
		CommitDelay:         defaultCommitTimeout,
	}
	if s := cfg.IndexingSettings.CommitTimeoutSecs; s != nil && *s >= 0 {
		m.info.CommitDelay = time.Duration(*s) * time.Second
	}
	m.schema = query.StaticSchema{IsStrict: cfg.DocMapping.Mode == "strict" || cfg.DocMapping.Mode == "lenient", Defaults: cfg.SearchSettings.DefaultSearchFields}
	m.addFields("", cfg.DocMapping.FieldMappings)
	return m
}

// addFields flattens object mappings into dotted names.
func (m *indexMapping) addFields(prefix string, fms []fieldMapping) {
	for _, f := range fms {
		name := prefix + f.Name
		if f.Type == "object" {
			m.addFields(name+".", f.FieldMappings)
			continue
		}
		fi := query.FieldInfo{Name: name, Type: fieldType(f.Type)}
		if f.Tokenizer == "raw" {
			fi.Tokenizer = query.TokenizerRaw
		}
		m.schema.Fields = append(m.schema.Fields, fi)
		if !isFast(f.Fast) {
			m.notFast[name] = true
		}
	}
}

// isFast reads `fast`, a boolean or (text fields) an object of options.
func isFast(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var obj map[string]any
	return json.Unmarshal(raw, &obj) == nil && obj != nil
}

// fieldType maps Quickwit's field types; array<T> is typed as T.
func fieldType(t string) query.FieldType {
	if len(t) > 7 && t[:6] == "array<" {
		t = t[6 : len(t)-1]
	}
	switch t {
	case "i64":
		return query.TypeI64
	case "u64":
		return query.TypeU64
	case "f64":
		return query.TypeF64
	case "bool":
		return query.TypeBool
	case "datetime":
		return query.TypeDatetime
	case "ip":
		return query.TypeIP
	case "json":
		return query.TypeJSON
	}
	return query.TypeText
}

// Index describes an index from its metadata.
func (b *Backend) Index(ctx context.Context, index string) (backend.IndexInfo, error) {
	m, err := b.mapping(ctx, index)
	if err != nil {
		return backend.IndexInfo{}, err
	}
	return m.info, nil
}

// Indexes lists every index of the cluster.
func (b *Backend) Indexes(ctx context.Context) ([]backend.IndexInfo, error) {
	res, err := b.c.Do(ctx, transport.Request{Path: "/api/v1/indexes"})
	if err != nil {
		return nil, err
	}
	var mds []indexMetadata
	if err := json.Unmarshal(res.Body, &mds); err != nil {
		return nil, fmt.Errorf("quickwit: /api/v1/indexes: read the index list: %w", err)
	}
	out := make([]backend.IndexInfo, 0, len(mds))
	for _, md := range mds {
		m := newMapping(md.IndexConfig.IndexID, md)
		b.mu.Lock()
		b.mappings[m.info.ID] = m
		b.mu.Unlock()
		out = append(out, m.info)
	}
	return out, nil
}

// indexError marks Quickwit's 404 for an index as engine.ErrIndexNotFound,
// so the plugin answers "not found" as for the embedded store.
func indexError(index string, err error) error {
	var rerr *backend.RemoteError
	if errors.As(err, &rerr) && rerr.Status == http.StatusNotFound {
		return fmt.Errorf("index %q: %w (%v)", index, engine.ErrIndexNotFound, err)
	}
	return err
}
