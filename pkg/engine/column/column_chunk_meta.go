package column

import (
	"fmt"
	"math"
	"strconv"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// ChunkMeta locates and checks one column chunk inside the split's data file.
type ChunkMeta struct {
	Offset int64 `json:"off"`
	Length int   `json:"len"`
	// CRC is the CRC32C of the stored (compressed) bytes.
	CRC uint32 `json:"crc"`
	// Present counts the rows that have the field.
	Present  int          `json:"present"`
	Encoding Encoding     `json:"enc"`
	Kinds    []event.Kind `json:"kinds,omitempty"`
	Bounds   []Bounds     `json:"bounds,omitempty"`
}

// JSONFloat is a float64 whose JSON form also allows ±Inf (as strings).
type JSONFloat float64

func (f JSONFloat) MarshalJSON() ([]byte, error) {
	if math.IsInf(float64(f), 0) {
		return []byte(strconv.Quote(strconv.FormatFloat(float64(f), 'g', -1, 64))), nil
	}
	return strconv.AppendFloat(nil, float64(f), 'g', -1, 64), nil
}

func (f *JSONFloat) UnmarshalJSON(b []byte) error {
	s := string(b)
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("float bound %s: %w", b, err)
	}
	*f = JSONFloat(v)
	return nil
}

// Bounds is the closed value range of one kind of a field, used to prune
// range predicates. A kind listed in Kinds without Bounds has an unknown
// range: strings with a value longer than 64 bytes, floats that are all NaN,
// bools and nulls. NaN never counts towards float bounds; IP bounds are in
// text order.
type Bounds struct {
	Kind     event.Kind `json:"kind"`
	MinInt   int64      `json:"min_int,omitempty"` // KindInt64, KindTime
	MaxInt   int64      `json:"max_int,omitempty"`
	MinUint  uint64     `json:"min_uint,omitempty"`
	MaxUint  uint64     `json:"max_uint,omitempty"`
	MinFloat JSONFloat  `json:"min_float,omitempty"` // NaN never counts
	MaxFloat JSONFloat  `json:"max_float,omitempty"`
	MinStr   string     `json:"min_str,omitempty"` // KindString, KindIP
	MaxStr   string     `json:"max_str,omitempty"`
}
