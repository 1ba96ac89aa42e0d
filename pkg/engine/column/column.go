package column

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
)

// Encoding names how the values of one column chunk are laid out;
// the writer picks the smallest that fits the block's values.
type Encoding uint8

const (
	EncNone         Encoding = iota // no body: every present value is null
	EncDelta                        // zigzag deltas, frame-of-reference packed (timestamps, seq)
	encIntFOR                       // int64 frame-of-reference bit-packed
	encUintFOR                      // uint64 frame-of-reference bit-packed
	encFloatRaw                     // float64 little-endian
	encFloatDec                     // float64 as scaled integers (123.45 → 12345e-2)
	encBool                         // bitmap
	encStrPlain                     // packed lengths then bytes
	EncStrDict                      // dictionary then packed ids
	encStrHex                       // same-length lowercase hex stored as bytes
	encMixed                        // per-row kind then the value's text
	encStrPrefixNum                 // one prefix, then fixed-width decimal numbers packed
	encCount                        // number of encodings; keep last
)

var encodingNames = [...]string{"none", "delta", "int_for", "uint_for", "float_raw", "float_dec",
	"bool", "str_plain", "str_dict", "str_hex", "mixed", "str_prefix_num"}

func (e Encoding) String() string {
	if int(e) < len(encodingNames) {
		return encodingNames[e]
	}
	return "encoding(" + strconv.Itoa(int(e)) + ")"
}

// Column is one decoded column chunk: the values of one field for every row
// of a block. Its slices are reused by the next ReadColumn into the same
// Column, so a search loop allocates nothing per block.
type Column struct {
	// Kind of the present values. A block where the field held several kinds
	// decodes as KindString with the original kind of each row in Kinds.
	Kind event.Kind
	Rows int
	// Present has bit i set when row i has the field (possibly null).
	Present []uint64
	// Typed values, one per row (absent rows hold the zero value); only the
	// slice matching Kind is filled.
	Ints   []int64 // KindInt64, KindTime
	Uints  []uint64
	Floats []float64
	Bools  []bool
	Strs   []string // KindString, KindIP, mixed blocks; empty when dictionary-encoded
	// Dict and IDs hold a dictionary-encoded string block: row i is Dict[IDs[i]].
	// Predicates can be evaluated once per dictionary entry.
	Dict []string
	IDs  []uint32
	// Kinds holds the original kind of each row of a mixed block.
	Kinds []event.Kind

	Encoding Encoding
	// Borrow, set before decoding, lets plain and hex strings alias the
	// column's own buffers instead of being copied out: they are valid
	// only until the column is decoded again, so a caller copies the few
	// it keeps (a search's hits out of a whole block). Dictionary and
	// mixed strings are always copies.
	Borrow bool
	// Only, set before decoding together with Borrow, names the rows a
	// caller will read: the dictionary, prefixed-number, plain-string,
	// delta, decimal and frame-of-reference decoders then fill only those
	// (column_sparse.go), and every other row's value is undefined.
	// Events sets it to a block's hits.
	Only []int
	// placed reports values decoded straight to their rows (sparse).
	placed      bool
	onlyPresent []int
	dense       []int
	// hexRaw and hexWidth hold a borrowed hex column undecoded: its rows
	// are turned into text one at a time, by Str, for the few a search
	// returns (decodeStrHex).
	hexRaw   []byte
	hexWidth int
	scratch  []uint64
	kindsBuf []event.Kind
	buf      []byte
	Zbuf     []byte // compressed chunk as read
	Plain    []byte // decompressed chunk
}

// IsPresent reports whether row has the field.
func (c *Column) IsPresent(row int) bool { return c.Present[row>>6]&(1<<(row&63)) != 0 }

// Str returns row's value as text for string-kinded columns (plain,
// dictionary or mixed blocks), "" for absent rows and other kinds.
func (c *Column) Str(row int) string {
	if !c.IsPresent(row) {
		return ""
	}
	switch c.Encoding {
	case EncStrDict:
		return c.Dict[c.IDs[row]]
	case encStrHex:
		if c.hexRaw != nil {
			return hex.EncodeToString(c.hexRaw[row*c.hexWidth : (row+1)*c.hexWidth])
		}
		return c.Strs[row]
	case encStrPlain, encMixed, encStrPrefixNum:
		return c.Strs[row]
	}
	return ""
}

// Value rebuilds row's original value; ok is false when the row lacks the field.
func (c *Column) Value(row int) (v event.Value, ok bool) {
	if !c.IsPresent(row) {
		return event.Value{}, false
	}
	if c.Kinds != nil {
		return parseMixedText(c.Kinds[row], c.Strs[row])
	}
	switch c.Kind {
	case event.KindString:
		return event.StringValue(c.Str(row)), true
	case event.KindIP:
		return event.IPValue(c.Str(row)), true
	case event.KindInt64:
		return event.Int64Value(c.Ints[row]), true
	case event.KindTime:
		return event.TimeNanosValue(c.Ints[row]), true
	case event.KindUint64:
		return event.Uint64Value(c.Uints[row]), true
	case event.KindFloat64:
		return event.Float64Value(c.Floats[row]), true
	case event.KindBool:
		return event.BoolValue(c.Bools[row]), true
	}
	return event.Value{Kind: event.KindNull}, true
}

// parseMixedText restores a value of a mixed block from its Text form.
func parseMixedText(k event.Kind, s string) (event.Value, bool) {
	switch k {
	case event.KindString:
		return event.StringValue(s), true
	case event.KindIP:
		return event.IPValue(s), true
	case event.KindInt64:
		n, err := strconv.ParseInt(s, 10, 64)
		return event.Int64Value(n), err == nil
	case event.KindUint64:
		n, err := strconv.ParseUint(s, 10, 64)
		return event.Uint64Value(n), err == nil
	case event.KindFloat64:
		f, err := strconv.ParseFloat(s, 64)
		return event.Float64Value(f), err == nil
	case event.KindBool:
		b, err := strconv.ParseBool(s)
		return event.BoolValue(b), err == nil
	case event.KindTime:
		t, err := time.Parse(time.RFC3339Nano, s)
		return event.TimeValue(t), err == nil
	}
	return event.Value{Kind: event.KindNull}, true
}

// Reset sizes c for rows rows of kind k, reusing its slices.
func (c *Column) Reset(k event.Kind, enc Encoding, rows int) {
	c.Kind, c.Encoding, c.Rows = k, enc, rows
	c.Present = ReuseSlice(c.Present, (rows+63)/64)
	c.Ints, c.Uints, c.Floats, c.Bools = c.Ints[:0], c.Uints[:0], c.Floats[:0], c.Bools[:0]
	c.Strs, c.Dict, c.IDs, c.Kinds = c.Strs[:0], c.Dict[:0], c.IDs[:0], nil
	c.hexRaw, c.hexWidth = nil, 0
	c.placed = false
}

// ReuseSlice returns s resized to n elements, reallocating only when needed.
func ReuseSlice[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// Chunk header, before the body and the snappy compression:
//
//	encoding u8 | kind u8 | rows uvarint | presence u8 (0: all rows, 1: bitmap follows) | bitmap
const (
	presenceAll    = 0
	presenceBitmap = 1
	// MaxChunkRows bounds a block's rows, so damaged metadata cannot make
	// the reader allocate without limit.
	MaxChunkRows = 1 << 24
)

// DecodeChunk decodes an uncompressed chunk of a block of wantRows rows into c.
func DecodeChunk(p []byte, wantRows int, c *Column) error {
	if len(p) < 3 {
		return fmt.Errorf("chunk header: %w", errShortColumn)
	}
	enc, kind := Encoding(p[0]), event.Kind(p[1])
	if enc >= encCount || !kind.Known() {
		return fmt.Errorf("chunk header: unknown encoding %d or kind %d", p[0], p[1])
	}
	rows, n := binary.Uvarint(p[2:])
	if n <= 0 || rows != uint64(wantRows) {
		return fmt.Errorf("chunk header: %d rows, the block has %d", rows, wantRows)
	}
	p = p[2+n:]
	if len(p) < 1 {
		return fmt.Errorf("chunk header: %w", errShortColumn)
	}
	c.Reset(kind, enc, int(rows))
	present := int(rows)
	switch p[0] {
	case presenceAll:
		for i := range c.Present {
			c.Present[i] = ^uint64(0)
		}
		if r := rows % 64; r != 0 {
			c.Present[len(c.Present)-1] = 1<<r - 1
		}
		p = p[1:]
	case presenceBitmap:
		nb := (int(rows) + 7) / 8
		if len(p) < 1+nb {
			return fmt.Errorf("presence bitmap: %w", errShortColumn)
		}
		present = bytesToBitmap(p[1:1+nb], int(rows), c.Present)
		p = p[1+nb:]
	default:
		return fmt.Errorf("chunk header: unknown presence mode %d", p[0])
	}
	if err := decodeBody(p, present, c); err != nil {
		return fmt.Errorf("%s body: %w", enc, err)
	}
	if present != int(rows) && !c.placed {
		c.spread(present)
	}
	return nil
}

// decodeBody dispatches to the encoding's decoder, which writes n values
// densely at the front of the typed slices.
func decodeBody(p []byte, n int, c *Column) error {
	want := expectedKinds[c.Encoding]
	if want != 0 && want&(1<<c.Kind) == 0 {
		return fmt.Errorf("kind %s cannot use this encoding", c.Kind)
	}
	switch c.Encoding {
	case EncNone:
		if c.Kind != event.KindNull {
			return fmt.Errorf("kind %s needs a body", c.Kind)
		}
		return nil
	case EncDelta:
		return decodeDelta(p, n, c)
	case encIntFOR:
		return decodeIntFOR(p, n, c)
	case encUintFOR:
		return decodeUintFOR(p, n, c)
	case encFloatRaw:
		return decodeFloatRaw(p, n, c)
	case encFloatDec:
		return decodeFloatDec(p, n, c)
	case encBool:
		return decodeBool(p, n, c)
	case encStrPlain:
		return decodeStrPlain(p, n, c)
	case EncStrDict:
		return decodeStrDict(p, n, c)
	case encStrHex:
		return decodeStrHex(p, n, c)
	case encMixed:
		return decodeMixed(p, n, c)
	case encStrPrefixNum:
		return decodeStrPrefixNum(p, n, c)
	}
	return fmt.Errorf("unknown encoding %d", c.Encoding)
}

// expectedKinds is the set of kinds (as bits) each encoding may carry.
var expectedKinds = [encCount]uint16{
	EncNone:     1 << event.KindNull,
	EncDelta:    1<<event.KindInt64 | 1<<event.KindTime | 1<<event.KindUint64,
	encIntFOR:   1<<event.KindInt64 | 1<<event.KindTime,
	encUintFOR:  1 << event.KindUint64,
	encFloatRaw: 1 << event.KindFloat64,
	encFloatDec: 1 << event.KindFloat64,
	encBool:     1 << event.KindBool,
	encStrPlain: 1<<event.KindString | 1<<event.KindIP,
	EncStrDict:  1<<event.KindString | 1<<event.KindIP,
	encStrHex:   1<<event.KindString | 1<<event.KindIP,
	encMixed:    1 << event.KindString,
	// Only strings: an IP's digits are not an id's.
	encStrPrefixNum: 1 << event.KindString,
}

// spread moves the n dense values to their rows, walking backwards so the
// move is in place.
func (c *Column) spread(n int) {
	c.sizeValues()
	k := n - 1
	for r := c.Rows - 1; r >= 0; r-- {
		if !c.IsPresent(r) {
			c.zeroRow(r)
			continue
		}
		if k != r {
			c.moveRow(k, r)
		}
		k--
	}
}

// sizeValues gives the typed slice in use one entry per row; decoders that
// read no values (a block whose rows all lack the field) leave it short.
func (c *Column) sizeValues() {
	switch {
	case c.Kinds != nil:
		c.Kinds, c.Strs = ReuseSlice(c.Kinds, c.Rows), ReuseSlice(c.Strs, c.Rows)
	case c.Encoding == EncStrDict:
		c.IDs = ReuseSlice(c.IDs, c.Rows)
	case c.Kind == event.KindString || c.Kind == event.KindIP:
		c.Strs = ReuseSlice(c.Strs, c.Rows)
	case c.Kind == event.KindInt64 || c.Kind == event.KindTime:
		c.Ints = ReuseSlice(c.Ints, c.Rows)
	case c.Kind == event.KindUint64:
		c.Uints = ReuseSlice(c.Uints, c.Rows)
	case c.Kind == event.KindFloat64:
		c.Floats = ReuseSlice(c.Floats, c.Rows)
	case c.Kind == event.KindBool:
		c.Bools = ReuseSlice(c.Bools, c.Rows)
	}
}

func (c *Column) moveRow(from, to int) {
	switch {
	case c.Kinds != nil:
		c.Kinds[to], c.Strs[to] = c.Kinds[from], c.Strs[from]
	case c.Encoding == EncStrDict:
		c.IDs[to] = c.IDs[from]
	case c.Kind == event.KindString || c.Kind == event.KindIP:
		c.Strs[to] = c.Strs[from]
	case c.Kind == event.KindInt64 || c.Kind == event.KindTime:
		c.Ints[to] = c.Ints[from]
	case c.Kind == event.KindUint64:
		c.Uints[to] = c.Uints[from]
	case c.Kind == event.KindFloat64:
		c.Floats[to] = c.Floats[from]
	case c.Kind == event.KindBool:
		c.Bools[to] = c.Bools[from]
	}
}

func (c *Column) zeroRow(r int) {
	switch {
	case c.Kinds != nil:
		c.Kinds[r], c.Strs[r] = event.KindNull, ""
	case c.Encoding == EncStrDict:
		c.IDs[r] = 0
	case c.Kind == event.KindString || c.Kind == event.KindIP:
		c.Strs[r] = ""
	case c.Kind == event.KindInt64 || c.Kind == event.KindTime:
		c.Ints[r] = 0
	case c.Kind == event.KindUint64:
		c.Uints[r] = 0
	case c.Kind == event.KindFloat64:
		c.Floats[r] = 0
	case c.Kind == event.KindBool:
		c.Bools[r] = false
	}
}

// bytesToBitmap expands a byte bitmap of rows bits into words and returns
// how many bits are set.
func bytesToBitmap(b []byte, rows int, words []uint64) int {
	clear(words)
	set := 0
	for i := 0; i < rows; i++ {
		if b[i>>3]&(1<<(i&7)) != 0 {
			words[i>>6] |= 1 << (i & 63)
			set++
		}
	}
	return set
}
