package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/split"
)

// IndexConfig is an index's definition, shaped like Quickwit's index config so
// users can bring the JSON they already have.
type IndexConfig struct {
	// Version is accepted for compatibility with Quickwit configs and kept as given.
	Version        string           `json:"version,omitempty"`
	IndexID        string           `json:"index_id"`
	DocMapping     DocMapping       `json:"doc_mapping"`
	SearchSettings SearchSettings   `json:"search_settings"`
	Retention      *RetentionPolicy `json:"retention,omitempty"`
	// LogSettings is a Triage extension naming the fields Grafana shows as the
	// log line and its level.
	LogSettings LogSettings `json:"log_settings"`
}

// DocMapping says how raw JSON documents become events.
type DocMapping struct {
	// Mode is strict, lenient or dynamic (the default, as in Quickwit).
	Mode           string         `json:"mode,omitempty"`
	FieldMappings  []FieldMapping `json:"field_mappings"`
	TimestampField string         `json:"timestamp_field"`
	// TimestampAliases is a Triage extension: other top-level keys that
	// hold an event's time when the timestamp field is absent, tried in
	// order (the default index takes Elasticsearch shippers' @timestamp).
	// The time is stored in the timestamp field, and a query or aggregation
	// naming an alias means the timestamp field. When the timestamp field
	// is present, an alias key is an ordinary field.
	TimestampAliases []string `json:"timestamp_aliases,omitempty"`
}

// FieldMapping declares one field's type and how it is indexed.
type FieldMapping struct {
	Name string `json:"name"`
	// Type is text, u64, i64, f64, bool, datetime, ip, json or array<scalar type>.
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	// Tokenizer is default, raw, lowercase or whitespace (Quickwit's rules,
	// see tokenize.go), text only.
	Tokenizer string `json:"tokenizer,omitempty"`
	// Fast asks for a column usable for sorting and aggregations.
	Fast bool `json:"fast,omitempty"`
	// Indexed and Stored default to true when absent.
	Indexed *bool `json:"indexed,omitempty"`
	Stored  *bool `json:"stored,omitempty"`
	// InputFormats lists the accepted datetime formats, tried in order.
	InputFormats []string `json:"input_formats,omitempty"`
	// OutputFormat is how search answers render the field's values:
	// datetimes as rfc3339 (default), iso8601, rfc2822, unix_timestamp_secs
	// (millis, micros, nanos) or a strptime pattern; numbers as number
	// (default) or string. See OutputFormats.
	OutputFormat string `json:"output_format,omitempty"`
	// FastPrecision is accepted so Quickwit configs load unchanged
	// (seconds, milliseconds, microseconds or nanoseconds); Triage's columns
	// always keep nanoseconds, so it never loses precision.
	FastPrecision string `json:"fast_precision,omitempty"`
}

// SearchSettings holds the fields searched by a query term without a field name.
type SearchSettings struct {
	DefaultSearchFields []string `json:"default_search_fields,omitempty"`
}

// RetentionPolicy says how long events are kept, e.g. {"period": "30 days"}.
type RetentionPolicy struct {
	Period string `json:"period"`
	// Schedule is accepted for Quickwit compatibility (e.g. "hourly").
	Schedule string `json:"schedule,omitempty"`
}

// LogSettings names the message and level fields used for log display.
type LogSettings struct {
	MessageField string `json:"message_field,omitempty"`
	LevelField   string `json:"level_field,omitempty"`
}

// Mapping modes: what happens to fields that field_mappings does not declare.
const (
	ModeStrict  = "strict"
	ModeLenient = "lenient"
	ModeDynamic = "dynamic"
)

// Field types of a field mapping.
const (
	TypeText     = "text"
	TypeU64      = "u64"
	TypeI64      = "i64"
	TypeF64      = "f64"
	TypeBool     = "bool"
	TypeDatetime = "datetime"
	TypeIP       = "ip"
	TypeJSON     = "json"
)

var indexIDPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9._-]{0,254}$`)

// ValidateIndexID checks an index id before it is used as a directory name.
func ValidateIndexID(id string) error {
	if !indexIDPattern.MatchString(id) {
		return invalidConfig(fmt.Sprintf("index_id %q: use 1 to 255 characters, a letter first, then letters, digits, '.', '_' or '-'", id))
	}
	return nil
}

// ParseIndexConfig decodes and validates an index config from JSON; unknown
// keys are errors so that a misspelt setting is not silently ignored.
func ParseIndexConfig(data []byte) (IndexConfig, error) {
	var cfg IndexConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return IndexConfig{}, invalidConfig(fmt.Sprintf("decode JSON: %v (check the key's spelling; settings Triage does not support must be removed)", err))
	}
	if dec.More() {
		return IndexConfig{}, invalidConfig("trailing data after the JSON object")
	}
	if _, err := compileMapping(cfg); err != nil {
		return IndexConfig{}, err
	}
	return cfg, nil
}

// Validate reports the first problem of the config, naming the setting.
func (c IndexConfig) Validate() error {
	_, err := compileMapping(c)
	return err
}

// fieldRule is one compiled field mapping.
type fieldRule struct {
	name      string
	typ       string // scalar type; for arrays the element type
	array     bool
	tokenizer string
	fast      bool
	indexed   bool
	formats   []dateFormat
}

// docMapper is a validated IndexConfig ready to convert documents.
type docMapper struct {
	cfg       IndexConfig
	mode      string
	fields    map[string]*fieldRule
	prefixes  map[string]bool // proper dotted prefixes of mapped names
	timestamp *fieldRule
	// aliases maps each timestamp alias to its rank in TimestampAliases.
	aliases   map[string]int
	outputs   OutputFormats
	retention retentionPeriod
}

func compileMapping(cfg IndexConfig) (*docMapper, error) {
	if err := ValidateIndexID(cfg.IndexID); err != nil {
		return nil, err
	}
	m := &docMapper{cfg: cfg, mode: cfg.DocMapping.Mode, fields: map[string]*fieldRule{}, prefixes: map[string]bool{}}
	switch m.mode {
	case "":
		m.mode = ModeDynamic
	case ModeStrict, ModeLenient, ModeDynamic:
	default:
		return nil, invalidConfig(fmt.Sprintf("doc_mapping.mode %q: use strict, lenient or dynamic", m.mode))
	}
	for i, fm := range cfg.DocMapping.FieldMappings {
		if fm.Name == split.IDField {
			return nil, invalidConfig(fmt.Sprintf("doc_mapping.field_mappings[%d]: field name %q is reserved for document ids", i, split.IDField))
		}
		rule, err := compileField(fm)
		if err != nil {
			return nil, invalidConfig(fmt.Sprintf("doc_mapping.field_mappings[%d]: %v", i, err))
		}
		if _, dup := m.fields[rule.name]; dup {
			return nil, invalidConfig(fmt.Sprintf("doc_mapping.field_mappings[%d]: field %q is declared twice", i, rule.name))
		}
		m.fields[rule.name] = rule
	}
	for name := range m.fields {
		for p := prefixOf(name); p != ""; p = prefixOf(p) {
			if other, ok := m.fields[p]; ok {
				return nil, invalidConfig(fmt.Sprintf("field %q is nested under field %q of type %s: declare only one of them", name, p, other.typ))
			}
			m.prefixes[p] = true
		}
	}
	m.fields[split.IDField] = &fieldRule{name: split.IDField, typ: TypeText, tokenizer: split.TokenizerRaw, indexed: true}
	if err := m.compileTimestamp(); err != nil {
		return nil, err
	}
	if err := m.compileAliases(); err != nil {
		return nil, err
	}
	outputs, err := outputFormatsOf(cfg.DocMapping.FieldMappings, m.timestamp.name)
	if err != nil {
		return nil, invalidConfig(err.Error())
	}
	m.outputs = outputs
	for _, name := range cfg.SearchSettings.DefaultSearchFields {
		if err := m.checkSearchable(name); err != nil {
			return nil, invalidConfig(fmt.Sprintf("search_settings.default_search_fields: %v", err))
		}
	}
	for _, ls := range []struct{ key, name string }{{"message_field", cfg.LogSettings.MessageField}, {"level_field", cfg.LogSettings.LevelField}} {
		if ls.name == "" {
			continue
		}
		if r, ok := m.fields[ls.name]; ok && (r.typ != TypeText || r.array) {
			return nil, invalidConfig(fmt.Sprintf("log_settings.%s: field %q is %s, it must be a text field", ls.key, ls.name, r.typ))
		}
		if _, ok := m.fields[ls.name]; !ok && m.mode != ModeDynamic {
			return nil, invalidConfig(fmt.Sprintf("log_settings.%s: field %q is not in field_mappings", ls.key, ls.name))
		}
	}
	if cfg.Retention != nil {
		p, err := ParseRetentionPeriod(cfg.Retention.Period)
		if err != nil {
			return nil, invalidConfig(fmt.Sprintf("retention.period: %v", err))
		}
		m.retention = p
	}
	return m, nil
}

func (m *docMapper) compileTimestamp() error {
	name := m.cfg.DocMapping.TimestampField
	if name == "" {
		return invalidConfig("doc_mapping.timestamp_field is required: name the datetime field holding each event's time")
	}
	r, ok := m.fields[name]
	if !ok {
		return invalidConfig(fmt.Sprintf("doc_mapping.timestamp_field %q must be declared in field_mappings with type datetime", name))
	}
	if r.typ != TypeDatetime || r.array {
		return invalidConfig(fmt.Sprintf("doc_mapping.timestamp_field %q has type %s: it must be datetime", name, r.typ))
	}
	m.timestamp = r
	return nil
}

func (m *docMapper) compileAliases() error {
	for i, a := range m.cfg.DocMapping.TimestampAliases {
		switch err := checkFieldName(a); {
		case err != nil:
			return invalidConfig(fmt.Sprintf("doc_mapping.timestamp_aliases[%d]: %v", i, err))
		case a == m.timestamp.name || a == split.IDField:
			return invalidConfig(fmt.Sprintf("doc_mapping.timestamp_aliases[%d]: %q cannot be an alias of the timestamp", i, a))
		case m.fields[a] != nil || m.prefixes[a]:
			return invalidConfig(fmt.Sprintf("doc_mapping.timestamp_aliases[%d]: %q is a mapped field; remove it from field_mappings or from the aliases", i, a))
		case m.aliases[a] != 0:
			return invalidConfig(fmt.Sprintf("doc_mapping.timestamp_aliases[%d]: %q is listed twice", i, a))
		}
		if m.aliases == nil {
			m.aliases = map[string]int{}
		}
		m.aliases[a] = i + 1
	}
	return nil
}

// canonicalField maps a timestamp alias to the timestamp field.
func (m *docMapper) canonicalField(name string) string {
	if m.aliases[name] != 0 {
		return m.timestamp.name
	}
	return name
}

func (m *docMapper) checkSearchable(name string) error {
	if r, ok := m.fields[name]; ok {
		if r.typ != TypeText && r.typ != TypeJSON {
			return fmt.Errorf("field %q is %s: only text and json fields can be searched without a field name", name, r.typ)
		}
		if !r.indexed {
			return fmt.Errorf("field %q has indexed: false", name)
		}
		return nil
	}
	for p := prefixOf(name); p != ""; p = prefixOf(p) {
		if r, ok := m.fields[p]; ok && r.typ == TypeJSON {
			return nil
		}
	}
	if m.mode != ModeDynamic {
		return fmt.Errorf("field %q is not in field_mappings (mapping mode is %s)", name, m.mode)
	}
	return nil
}

func compileField(fm FieldMapping) (*fieldRule, error) {
	if err := checkFieldName(fm.Name); err != nil {
		return nil, err
	}
	r := &fieldRule{name: fm.Name, typ: fm.Type, fast: fm.Fast, indexed: fm.Indexed == nil || *fm.Indexed}
	if inner, ok := strings.CutPrefix(fm.Type, "array<"); ok && strings.HasSuffix(inner, ">") {
		r.typ, r.array = strings.TrimSuffix(inner, ">"), true
		if r.typ == TypeJSON {
			return nil, fmt.Errorf("field %q: array<json> is not supported, use json", fm.Name)
		}
	}
	switch r.typ {
	case TypeText:
		switch fm.Tokenizer {
		case "":
			r.tokenizer = split.TokenizerDefault
		case split.TokenizerDefault, split.TokenizerRaw, split.TokenizerLowercase, split.TokenizerWhitespace:
			r.tokenizer = fm.Tokenizer
		default:
			return nil, fmt.Errorf("field %q: tokenizer %q is not supported, use default, raw, lowercase or whitespace", fm.Name, fm.Tokenizer)
		}
	case TypeU64, TypeI64, TypeF64, TypeBool, TypeIP, TypeJSON:
	case TypeDatetime:
		formats := fm.InputFormats
		if len(formats) == 0 {
			formats = []string{FormatRFC3339, FormatUnixTimestamp}
		}
		for _, f := range formats {
			df, err := parseDateFormat(f)
			if err != nil {
				return nil, fmt.Errorf("field %q: %v", fm.Name, err)
			}
			r.formats = append(r.formats, df)
		}
	default:
		return nil, fmt.Errorf("field %q: type %q is not supported, use text, u64, i64, f64, bool, datetime, ip, json or array<…> of a scalar type", fm.Name, fm.Type)
	}
	if fm.Tokenizer != "" && r.typ != TypeText {
		return nil, fmt.Errorf("field %q: tokenizer applies only to text fields", fm.Name)
	}
	if len(fm.InputFormats) > 0 && r.typ != TypeDatetime {
		return nil, fmt.Errorf("field %q: input_formats applies only to datetime fields", fm.Name)
	}
	switch {
	case fm.FastPrecision == "":
	case r.typ != TypeDatetime:
		return nil, fmt.Errorf("field %q: fast_precision applies only to datetime fields", fm.Name)
	case fm.FastPrecision != "seconds" && fm.FastPrecision != "milliseconds" && fm.FastPrecision != "microseconds" && fm.FastPrecision != "nanoseconds":
		return nil, fmt.Errorf("field %q: fast_precision %q: use seconds, milliseconds, microseconds or nanoseconds", fm.Name, fm.FastPrecision)
	}
	return r, nil
}

func checkFieldName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("a field mapping needs a name")
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, ".."):
		return fmt.Errorf("field name %q: dots separate nested names and cannot start, end or repeat", name)
	case len(name) > 255:
		return fmt.Errorf("field name %q…: longer than 255 bytes", name[:32])
	}
	return nil
}

// prefixOf returns the dotted parent of name ("a.b.c" → "a.b"), or "".
func prefixOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return ""
}
