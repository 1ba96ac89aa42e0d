package engine

import (
	"reflect"

	"github.com/triage-logs/triage/pkg/engine/split"
)

// DefaultIndexID is the index that exists from the first Open, so ingest
// works with zero configuration.
const DefaultIndexID = "logs"

// DefaultIndexConfig is the config of the `logs` index: dynamic mode (every
// field kept and searchable), a `timestamp` datetime that Elasticsearch
// shippers' `@timestamp` stands in for, a tokenized `message` searched by
// default and a raw `severity` for exact level filters.
func DefaultIndexConfig() IndexConfig {
	cfg := defaultIndexConfigV1()
	cfg.DocMapping.TimestampAliases = []string{"@timestamp"}
	return cfg
}

// defaultIndexConfigV1 is the default config stores were created with
// before timestamp aliases existed.
func defaultIndexConfigV1() IndexConfig {
	return IndexConfig{
		Version: "0.8",
		IndexID: DefaultIndexID,
		DocMapping: DocMapping{
			Mode: ModeDynamic,
			FieldMappings: []FieldMapping{
				{Name: "timestamp", Type: TypeDatetime, Fast: true, InputFormats: []string{FormatRFC3339, FormatUnixTimestamp}},
				{Name: "message", Type: TypeText, Tokenizer: split.TokenizerDefault},
				{Name: "severity", Type: TypeText, Tokenizer: split.TokenizerRaw, Fast: true},
			},
			TimestampField: "timestamp",
		},
		SearchSettings: SearchSettings{DefaultSearchFields: []string{"message"}},
		LogSettings:    LogSettings{MessageField: "message", LevelField: "severity"},
	}
}

// upgradeStoredConfig brings an index config read from disk up to date:
// a `logs` index still holding the earlier built-in default gains what the
// default has since learnt (the @timestamp alias); any config a user wrote
// is left as it is.
func upgradeStoredConfig(cfg IndexConfig) IndexConfig {
	if reflect.DeepEqual(cfg, defaultIndexConfigV1()) {
		return DefaultIndexConfig()
	}
	return cfg
}
