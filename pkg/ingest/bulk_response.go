package ingest

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
)

// writeBulkResponse streams the bulk answer item by item. Elasticsearch
// answers every action, so the reply grows with the request; built whole
// (a map per item, then one Marshal) it cost over a kilobyte per item.
func writeBulkResponse(w http.ResponseWriter, tookMillis int64, items []BulkItem, results []bulkItemResult) {
	failed := false
	for i := range results {
		failed = failed || results[i].Error != nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"took":` + strconv.FormatInt(tookMillis, 10) + `,"errors":` + strconv.FormatBool(failed) + `,"items":[`)
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
