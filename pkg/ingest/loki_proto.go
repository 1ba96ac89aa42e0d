package ingest

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/golang/snappy"
	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of Loki's logproto messages (pkg/push/push.proto).
const (
	pushRequestStreams      = 1 // PushRequest.streams: repeated StreamAdapter
	streamLabels            = 1 // StreamAdapter.labels: string
	streamEntries           = 2 // StreamAdapter.entries: repeated EntryAdapter
	entryTimestamp          = 1 // EntryAdapter.timestamp: google.protobuf.Timestamp
	entryLine               = 2 // EntryAdapter.line: string
	entryStructuredMetadata = 3 // EntryAdapter.structuredMetadata: repeated LabelPairAdapter
	timestampSeconds        = 1
	timestampNanos          = 2
	labelPairName           = 1
	labelPairValue          = 2
)

// ParseLokiProto decodes a Loki push body: a snappy-block-compressed
// logproto.PushRequest. maxDecoded bounds the decompressed size (a larger
// body gives *BodyTooLargeError).
func ParseLokiProto(body []byte, maxDecoded int64) ([][]byte, error) {
	n, err := snappy.DecodedLen(body)
	if err != nil {
		return nil, fmt.Errorf("loki push protobuf: body is not snappy block-compressed: %w", err)
	}
	if int64(n) > maxDecoded {
		return nil, &BodyTooLargeError{Limit: maxDecoded, Decompressed: true}
	}
	raw, err := snappy.Decode(nil, body)
	if err != nil {
		return nil, fmt.Errorf("loki push protobuf: body is not snappy block-compressed: %w", err)
	}
	var docs [][]byte
	err = eachField(raw, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != pushRequestStreams {
			return nil
		}
		if typ != protowire.BytesType {
			return errors.New("streams field is not a message")
		}
		var labels []Label
		var entries [][]byte
		err := eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
			switch {
			case num == streamLabels && typ == protowire.BytesType:
				l, err := ParseLokiLabels(string(v))
				if err != nil {
					return err
				}
				labels = l
			case num == streamEntries && typ == protowire.BytesType:
				entries = append(entries, v)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range entries {
			doc, err := decodeEntry(e, labels)
			if err != nil {
				return err
			}
			docs = append(docs, doc)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loki push protobuf: %w", err)
	}
	return docs, nil
}

func decodeEntry(b []byte, labels []Label) ([]byte, error) {
	var secs, nanos int64
	var line string
	var meta []Label
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == entryTimestamp && typ == protowire.BytesType:
			return eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				if typ != protowire.VarintType {
					return nil
				}
				x, _ := protowire.ConsumeVarint(v)
				switch num {
				case timestampSeconds:
					secs = int64(x)
				case timestampNanos:
					nanos = int64(int32(x))
				}
				return nil
			})
		case num == entryLine && typ == protowire.BytesType:
			line = string(v)
		case num == entryStructuredMetadata && typ == protowire.BytesType:
			var l Label
			err := eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				if typ == protowire.BytesType {
					switch num {
					case labelPairName:
						l.Name = string(v)
					case labelPairValue:
						l.Value = string(v)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if l.Name == "" {
				return errors.New("structured metadata pair without a name")
			}
			meta = append(meta, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Seconds past what int64 nanoseconds hold (years 1678-2262) would wrap.
	const maxSecs = math.MaxInt64/int64(time.Second) - 1
	if secs > maxSecs || secs < -maxSecs || nanos < 0 || nanos >= 1e9 {
		return nil, fmt.Errorf("entry timestamp %ds %dns is out of range: use a time between 1678 and 2262 with 0-999999999 nanoseconds", secs, nanos)
	}
	return lokiDoc(nil, secs*1e9+nanos, line, labels, meta), nil
}

// eachField calls fn for every field of the message in b. For varint
// fields v holds the varint's bytes; for length-delimited fields, the
// payload. Other wire types are skipped.
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("bad field tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		switch typ {
		case protowire.BytesType:
			payload, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return fmt.Errorf("field %d: %w", num, protowire.ParseError(m))
			}
			v, n = payload, m
		case protowire.VarintType:
			_, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return fmt.Errorf("field %d: %w", num, protowire.ParseError(m))
			}
			v, n = b[:m], m
		default:
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return fmt.Errorf("field %d: %w", num, protowire.ParseError(m))
			}
			n = m
		}
		if err := fn(num, typ, v); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
