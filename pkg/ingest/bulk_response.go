package ingest

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// writeBulkResponse streams the bulk answer item by item. Elasticsearch
// answers every action, so the reply grows with the request; built whole
// (a map per item, then one Marshal) it cost over a kilobyte per item.
//
// refusal, when set, is the whole-request error of a bulk of which nothing
// was stored (see bulkRefused): Elasticsearch's error object and status
// come first, then the items, which rsyslog's omelasticsearch reads
// whatever the status (an answer without them is a data error to it).
func writeBulkResponse(w http.ResponseWriter, status int, refusal *elasticError, started time.Time, items []BulkItem, results []bulkItemResult) {
	failed := false
	for i := range results {
		failed = failed || results[i].Error != nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteByte('{')
	if refusal != nil {
		b, err := json.Marshal(refusal.Error)
		if err != nil {
			return // cannot happen: the fields are strings
		}
		bw.WriteString(`"error":`)
		bw.Write(b)
		bw.WriteString(`,"status":` + strconv.Itoa(refusal.Status) + `,`)
	}
	took := time.Since(started).Milliseconds()
	bw.WriteString(`"took":` + strconv.FormatInt(took, 10) + `,"errors":` + strconv.FormatBool(failed) + `,"items":[`)
	for i := range items {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := json.Marshal(map[string]*bulkItemResult{items[i].Action: &results[i]})
		if err != nil {
			return // cannot happen: the fields are strings and ints
		}
		bw.Write(b)
	}
	bw.WriteString("]}\n")
	_ = bw.Flush()
}
