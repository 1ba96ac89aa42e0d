package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/itchyny/timefmt-go"
	"github.com/triage-logs/triage/pkg/engine/event"
)

// Output formats of a field mapping's output_format, as Quickwit names
// them: datetimes as rfc3339 (the default), iso8601, rfc2822, a strptime
// pattern or a Unix timestamp in seconds, milliseconds, microseconds or
// nanoseconds (a JSON number); numbers as a JSON number (the default) or
// string.
const (
	OutputUnixSecs   = "unix_timestamp_secs"
	OutputUnixMillis = "unix_timestamp_millis"
	OutputUnixMicros = "unix_timestamp_micros"
	OutputUnixNanos  = "unix_timestamp_nanos"
	OutputNumber     = "number"
	OutputString     = "string"
)

// outputFormat is a compiled output_format.
type outputFormat struct {
	name string
	strp string
}

// parseOutputFormat compiles the output_format of a field of type typ.
func parseOutputFormat(f, typ string) (outputFormat, error) {
	switch typ {
	case TypeDatetime:
		switch lf := strings.ToLower(f); lf {
		case "":
			return outputFormat{name: FormatRFC3339}, nil
		case FormatRFC3339, FormatISO8601, FormatRFC2822, OutputUnixSecs, OutputUnixMillis, OutputUnixMicros, OutputUnixNanos:
			return outputFormat{name: lf}, nil
		}
		if err := checkStrptime(f, "output"); err != nil {
			return outputFormat{}, err
		}
		return outputFormat{name: f, strp: f}, nil
	case TypeI64, TypeU64, TypeF64:
		switch f {
		case "", OutputNumber:
			return outputFormat{name: OutputNumber}, nil
		case OutputString:
			return outputFormat{name: OutputString}, nil
		}
		return outputFormat{}, fmt.Errorf("output_format %q: numeric fields take number or string", f)
	}
	return outputFormat{}, fmt.Errorf("output_format applies only to datetime and numeric fields")
}

// formatTime renders Unix nanoseconds as a JSON value: a string, or an
// int64 for the Unix timestamp formats.
func (f outputFormat) formatTime(ns int64) any {
	t := time.Unix(0, ns).UTC()
	switch f.name {
	case OutputUnixSecs:
		return ns / 1e9
	case OutputUnixMillis:
		return ns / 1e6
	case OutputUnixMicros:
		return ns / 1e3
	case OutputUnixNanos:
		return ns
	case FormatISO8601:
		// The time crate's Iso8601::DEFAULT, which Quickwit formats with:
		// a six-digit signed year and nine fraction digits.
		return fmt.Sprintf("%+07d", t.Year()) + t.Format("-01-02T15:04:05.000000000Z07:00")
	case FormatRFC2822:
		return t.Format(time.RFC1123Z)
	}
	if f.strp != "" {
		return timefmt.Format(t, f.strp)
	}
	return t.Format(time.RFC3339Nano)
}

// OutputFormats renders an index's values as its mapping's output_format
// settings ask; search APIs render hits with it. The zero value renders
// datetimes as RFC 3339 and numbers as numbers.
type OutputFormats struct {
	timestamp string
	fields    map[string]outputFormat
}

// OutputFormats compiles the config's output formats.
func (c IndexConfig) OutputFormats() (OutputFormats, error) {
	m, err := compileMapping(c)
	if err != nil {
		return OutputFormats{}, err
	}
	return m.outputs, nil
}

// OutputFormats returns how the index's hits are rendered.
func (e *Engine) OutputFormats(index string) (OutputFormats, error) {
	ix, err := e.lookup(index)
	if err != nil {
		return OutputFormats{}, err
	}
	return ix.mapper.Load().outputs, nil
}

// Timestamp renders an event's time (Event.Timestamp) as the timestamp
// field's output_format asks.
func (o OutputFormats) Timestamp(ns int64) any {
	return o.fields[o.timestamp].formatTime(ns)
}

// Value renders a value of the named field as a JSON value: datetimes and
// numbers as the field's output_format asks, other values as Value.JSON.
func (o OutputFormats) Value(field string, v event.Value) any {
	f, ok := o.fields[field]
	switch {
	case v.Kind == event.KindTime:
		return f.formatTime(v.Int())
	case ok && f.name == OutputString && (v.Kind == event.KindInt64 || v.Kind == event.KindUint64 || v.Kind == event.KindFloat64):
		return v.Text()
	}
	return v.JSON()
}

// outputFormatsOf compiles the output formats of a mapping's fields.
func outputFormatsOf(fms []FieldMapping, timestamp string) (OutputFormats, error) {
	o := OutputFormats{timestamp: timestamp, fields: map[string]outputFormat{}}
	for i, fm := range fms {
		typ := strings.TrimSuffix(strings.TrimPrefix(fm.Type, "array<"), ">")
		if fm.OutputFormat == "" && typ != TypeDatetime {
			continue
		}
		f, err := parseOutputFormat(fm.OutputFormat, typ)
		if err != nil {
			return OutputFormats{}, fmt.Errorf("doc_mapping.field_mappings[%d]: field %q: %v", i, fm.Name, err)
		}
		o.fields[fm.Name] = f
	}
	return o, nil
}
