package ingest

import (
	"time"
)

// lokiDoc renders one Loki entry as the JSON document Triage stores:
// timestamp and message first, then stream labels, then structured
// metadata. A later source replaces an earlier one with the same name;
// "timestamp" and "message" always come from the entry itself.
func lokiDoc(dst []byte, tsNanos int64, line string, labels, metadata []Label) []byte {
	dst = append(dst, `{"timestamp":"`...)
	dst = time.Unix(0, tsNanos).UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","message":`...)
	dst = appendJSONString(dst, line)
	emit := func(l Label, later []Label) {
		if l.Name == "timestamp" || l.Name == "message" {
			return
		}
		for _, o := range later {
			if o.Name == l.Name {
				return
			}
		}
		dst = append(dst, ',')
		dst = appendJSONString(dst, l.Name)
		dst = append(dst, ':')
		dst = appendJSONString(dst, l.Value)
	}
	for i, l := range labels {
		emit(l, append(labels[i+1:len(labels):len(labels)], metadata...))
	}
	for i, l := range metadata {
		emit(l, metadata[i+1:])
	}
	return append(dst, '}')
}
