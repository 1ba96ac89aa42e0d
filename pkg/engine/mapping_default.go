package engine

// DefaultIndexID is the index that exists from the first Open, so ingest
// works with zero configuration.
const DefaultIndexID = "logs"

// DefaultIndexConfig is the config of the `logs` index: dynamic mode (every
// field kept and searchable), a `timestamp` datetime, a tokenized `message`
// searched by default and a raw `severity` for exact level filters.
func DefaultIndexConfig() IndexConfig {
	return IndexConfig{
		Version: "0.8",
		IndexID: DefaultIndexID,
		DocMapping: DocMapping{
			Mode: ModeDynamic,
			FieldMappings: []FieldMapping{
				{Name: "timestamp", Type: TypeDatetime, Fast: true, InputFormats: []string{FormatRFC3339, FormatUnixTimestamp}},
				{Name: "message", Type: TypeText, Tokenizer: TokenizerDefault},
				{Name: "severity", Type: TypeText, Tokenizer: TokenizerRaw, Fast: true},
			},
			TimestampField: "timestamp",
		},
		SearchSettings: SearchSettings{DefaultSearchFields: []string{"message"}},
		LogSettings:    LogSettings{MessageField: "message", LevelField: "severity"},
	}
}
