package column

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// A block is a run of consecutive rows of a split (sorted by timestamp, seq)
// whose columns are stored as separate chunks: the timestamps, the seq
// numbers, and one chunk per field present in the block. Each chunk is
// header + body (see column.go), snappy-compressed, CRC32C-checked.

// MaxStrBoundLen caps the string length kept as a block bound, so that long
// messages do not bloat the metadata.
const MaxStrBoundLen = 64

// Values holds the present values of one field in a block, in row
// order: what encodeField turns into a chunk.
type Values struct {
	Present []byte // row bitmap
	Vals    []event.Value
	Kinds   uint16 // bitset of the values' kinds
}

// ChunkEncoder encodes column chunks, reusing its buffers across calls.
type ChunkEncoder struct {
	raw       []byte
	ints      []int64
	uints     []uint64
	floats    []float64
	bools     []bool
	strs      []string
	scratch   []uint64
	DictIndex map[string]uint32
	dict      []string
	ids       []uint64
}

// header starts a chunk: encoding, kind, rows, presence.
func (e *ChunkEncoder) header(enc Encoding, k event.Kind, rows int, present []byte, n int) {
	e.raw = append(e.raw[:0], byte(enc), byte(k))
	e.raw = binary.AppendUvarint(e.raw, uint64(rows))
	if n == rows {
		e.raw = append(e.raw, presenceAll)
		return
	}
	e.raw = append(e.raw, presenceBitmap)
	e.raw = append(e.raw, present[:(rows+7)/8]...)
}

// EncodeInts encodes a timestamp or seq column (every row present).
func (e *ChunkEncoder) EncodeInts(vals []int64, k event.Kind) []byte {
	e.header(EncDelta, k, len(vals), nil, len(vals))
	e.raw, e.scratch = appendDelta(e.raw, vals, e.scratch)
	return e.raw
}

// EncodeField picks the field's encoding, encodes it, and describes the
// chunk (offset, length and CRC are the writer's to fill).
func (e *ChunkEncoder) EncodeField(f *Values, rows int) ([]byte, ChunkMeta) {
	meta := ChunkMeta{Present: len(f.Vals), Kinds: kindList(f.Kinds), Bounds: ValueBounds(f.Vals, f.Kinds)}
	n := len(f.Vals)
	hexBytes := 0 // decoded width of each value, when the strings are hex ids
	// prefix and digits describe prefixed-number ids (user-0369614)
	var prefix string
	var digits int
	if len(meta.Kinds) > 1 {
		meta.Encoding = encMixed
		e.header(encMixed, event.KindString, rows, f.Present, n)
		e.raw, e.strs, e.scratch = appendMixed(e.raw, f.Vals, e.strs, e.scratch)
		return e.raw, meta
	}
	k := meta.Kinds[0]
	switch k {
	case event.KindNull:
		meta.Encoding = EncNone
	case event.KindInt64, event.KindTime:
		meta.Encoding = encIntFOR
		e.ints = ReuseSlice(e.ints, n)
		for i := range f.Vals {
			e.ints[i] = f.Vals[i].Int()
		}
	case event.KindUint64:
		meta.Encoding = encUintFOR
		e.uints = ReuseSlice(e.uints, n)
		for i := range f.Vals {
			e.uints[i] = f.Vals[i].Uint()
		}
	case event.KindFloat64:
		e.floats = ReuseSlice(e.floats, n)
		for i := range f.Vals {
			e.floats[i] = f.Vals[i].Float()
		}
		meta.Encoding = encFloatRaw
		if _, ok := floatDecimals(e.floats); ok {
			meta.Encoding = encFloatDec
		}
	case event.KindBool:
		meta.Encoding = encBool
		e.bools = ReuseSlice(e.bools, n)
		for i := range f.Vals {
			e.bools[i] = f.Vals[i].Bool()
		}
	case event.KindString, event.KindIP:
		e.strs = ReuseSlice(e.strs, n)
		for i := range f.Vals {
			e.strs[i] = f.Vals[i].Str
		}
		var ok bool
		if e.dict, e.ids, ok = buildDict(e.strs, e.DictIndex, e.dict, e.ids); ok {
			meta.Encoding = EncStrDict
		} else if prefix, digits, ok = prefixNumber(e.strs); ok && k == event.KindString {
			meta.Encoding = encStrPrefixNum
		} else if hexBytes, ok = hexWidth(e.strs); ok {
			meta.Encoding = encStrHex
		} else {
			meta.Encoding = encStrPlain
		}
	}
	e.header(meta.Encoding, k, rows, f.Present, n)
	switch meta.Encoding {
	case encIntFOR:
		e.raw, e.scratch = appendIntFOR(e.raw, e.ints, e.scratch)
	case encUintFOR:
		e.raw = appendUintFOR(e.raw, e.uints)
	case encFloatRaw:
		e.raw = appendFloatRaw(e.raw, e.floats)
	case encFloatDec:
		dec, _ := floatDecimals(e.floats)
		e.raw, e.ints, e.scratch = appendFloatDec(e.raw, e.floats, dec, e.ints, e.scratch)
	case encBool:
		e.raw = appendBool(e.raw, e.bools)
	case EncStrDict:
		e.raw, e.scratch = appendStrDict(e.raw, e.dict, e.ids, e.scratch)
	case encStrHex:
		e.raw = appendStrHex(e.raw, e.strs, hexBytes)
	case encStrPlain:
		e.raw, e.scratch = appendStrPlain(e.raw, e.strs, e.scratch)
	case encStrPrefixNum:
		e.raw, e.scratch = appendStrPrefixNum(e.raw, e.strs, prefix, digits, e.scratch)
	}
	return e.raw, meta
}

// ValueBounds computes the range of each orderable kind among vals.
func ValueBounds(vals []event.Value, kinds uint16) []Bounds {
	var out []Bounds
	for _, k := range kindList(kinds) {
		b := Bounds{Kind: k}
		seen, strOK := false, true
		for i := range vals {
			v := &vals[i]
			if v.Kind != k {
				continue
			}
			switch k {
			case event.KindInt64, event.KindTime:
				if !seen || v.Int() < b.MinInt {
					b.MinInt = v.Int()
				}
				if !seen || v.Int() > b.MaxInt {
					b.MaxInt = v.Int()
				}
			case event.KindUint64:
				if !seen || v.Uint() < b.MinUint {
					b.MinUint = v.Uint()
				}
				if !seen || v.Uint() > b.MaxUint {
					b.MaxUint = v.Uint()
				}
			case event.KindFloat64:
				if math.IsNaN(v.Float()) {
					continue
				}
				if !seen || v.Float() < float64(b.MinFloat) {
					b.MinFloat = JSONFloat(v.Float())
				}
				if !seen || v.Float() > float64(b.MaxFloat) {
					b.MaxFloat = JSONFloat(v.Float())
				}
			case event.KindString, event.KindIP:
				if len(v.Str) > MaxStrBoundLen {
					strOK = false
				}
				if !seen || v.Str < b.MinStr {
					b.MinStr = v.Str
				}
				if !seen || v.Str > b.MaxStr {
					b.MaxStr = v.Str
				}
			default:
				continue
			}
			seen = true
		}
		if seen && strOK {
			out = append(out, b)
		}
	}
	return out
}

// MergeBounds widens acc by b, kind by kind.
func MergeBounds(acc []Bounds, bs []Bounds) []Bounds {
	for _, b := range bs {
		i := 0
		for i < len(acc) && acc[i].Kind != b.Kind {
			i++
		}
		if i == len(acc) {
			acc = append(acc, b)
			continue
		}
		a := &acc[i]
		a.MinInt, a.MaxInt = min(a.MinInt, b.MinInt), max(a.MaxInt, b.MaxInt)
		a.MinUint, a.MaxUint = min(a.MinUint, b.MinUint), max(a.MaxUint, b.MaxUint)
		a.MinFloat, a.MaxFloat = min(a.MinFloat, b.MinFloat), max(a.MaxFloat, b.MaxFloat)
		a.MinStr, a.MaxStr = min(a.MinStr, b.MinStr), max(a.MaxStr, b.MaxStr)
	}
	return acc
}

// kindList expands a kind bitset.
func kindList(set uint16) []event.Kind {
	out := make([]event.Kind, 0, bits.OnesCount16(set))
	for k := event.Kind(0); set != 0; k++ {
		if set&1 != 0 {
			out = append(out, k)
		}
		set >>= 1
	}
	return out
}
