package engine

import (
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// The event model lives in pkg/engine/event so that every stage below the
// engine can use it; these names keep it reachable as engine.X for callers.

type (
	Event = event.Event
	Field = event.Field
	Value = event.Value
	Kind  = event.Kind
)

const (
	KindNull    = event.KindNull
	KindString  = event.KindString
	KindInt64   = event.KindInt64
	KindUint64  = event.KindUint64
	KindFloat64 = event.KindFloat64
	KindBool    = event.KindBool
	KindTime    = event.KindTime
	KindIP      = event.KindIP
)

func StringValue(s string) Value     { return event.StringValue(s) }
func Int64Value(v int64) Value       { return event.Int64Value(v) }
func Uint64Value(v uint64) Value     { return event.Uint64Value(v) }
func Float64Value(v float64) Value   { return event.Float64Value(v) }
func BoolValue(v bool) Value         { return event.BoolValue(v) }
func TimeValue(t time.Time) Value    { return event.TimeValue(t) }
func TimeNanosValue(ns int64) Value  { return event.TimeNanosValue(ns) }
func IPValue(canonical string) Value { return event.IPValue(canonical) }
