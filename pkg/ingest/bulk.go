package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// BulkItem is one action of an Elasticsearch bulk body with its document.
type BulkItem struct {
	// Action is "index", "create", "delete" or "update".
	Action string
	// Index comes from the action's _index, else from the request path.
	Index string
	// ID is the action's _id: the store keeps one document per id, so a
	// resent item is not stored twice.
	ID string
	// Doc is the document line (nil for delete and for failed items).
	Doc []byte
	// Line is the 1-based line of the action.
	Line int
	// Err is set when the item was rejected while parsing; the other
	// items are unaffected.
	Err *BulkError
}

// BulkError is an Elasticsearch item error: a type and a reason.
type BulkError struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// BulkSyntaxError rejects a whole bulk body, as Elasticsearch does for a
// malformed action line.
type BulkSyntaxError struct {
	Line   int
	Reason string
}

func (e *BulkSyntaxError) Error() string {
	return fmt.Sprintf("malformed bulk body: line %d: %s", e.Line, e.Reason)
}

// maxIDBytes is Elasticsearch's limit on a document _id.
const maxIDBytes = 512

type bulkMeta struct {
	Index string          `json:"_index"`
	ID    json.RawMessage `json:"_id"`
}

// ParseBulk parses an Elasticsearch bulk body. pathIndex is the index named
// in the URL ("" for /_bulk). Per-item problems (unsupported action, bad
// document, no index) are reported in the item; a malformed action line
// fails the whole body with *BulkSyntaxError.
func ParseBulk(body []byte, pathIndex string) ([]BulkItem, error) {
	var items []BulkItem
	line := 0
	nextLine := func() ([]byte, int, bool) {
		for len(body) > 0 {
			line++
			var raw []byte
			if i := bytes.IndexByte(body, '\n'); i >= 0 {
				raw, body = body[:i], body[i+1:]
			} else {
				raw, body = body, nil
			}
			if t := bytes.TrimSpace(raw); len(t) > 0 {
				return t, line, true
			}
		}
		return nil, line, false
	}
	for {
		actionLine, at, ok := nextLine()
		if !ok {
			return items, nil
		}
		item, err := parseAction(actionLine, at, pathIndex)
		if err != nil {
			return nil, err
		}
		if item.Action == "delete" {
			item.Err = &BulkError{Type: "illegal_argument_exception",
				Reason: "delete is not supported: Triage indexes are append-only; remove old data with the index retention period"}
			items = append(items, item)
			continue
		}
		doc, _, ok := nextLine()
		if !ok {
			item.Err = &BulkError{Type: "action_request_validation_exception",
				Reason: fmt.Sprintf("the %s action on line %d has no document line after it; send the document on the next line", item.Action, at)}
			items = append(items, item)
			return items, nil
		}
		switch {
		case item.Action == "update":
			item.Err = &BulkError{Type: "illegal_argument_exception",
				Reason: "update is not supported: Triage indexes are append-only; send a new document with index or create"}
		case item.Err != nil:
		case !isJSONObject(doc):
			// A line that starts like an object goes to the store, which
			// parses it in full (see NDJSON); only the others are checked here.
			if item.Err = documentParseError(at+1, doc); item.Err == nil {
				item.Err = &BulkError{Type: "document_parsing_exception",
					Reason: fmt.Sprintf("the document on line %d is a JSON %s, not an object", at+1, jsonKind(doc[0]))}
			}
		default:
			item.Doc = doc
		}
		items = append(items, item)
	}
}

// documentParseError is Elasticsearch's answer to a document line that is
// not JSON, or nil when doc is valid JSON.
func documentParseError(line int, doc []byte) *BulkError {
	if json.Valid(doc) {
		return nil
	}
	var v any
	err := json.Unmarshal(doc, &v)
	return &BulkError{Type: "document_parsing_exception", Reason: fmt.Sprintf("failed to parse the document on line %d: %v", line, err)}
}

// parseAction reads one action line such as {"create":{"_index":"logs"}}.
func parseAction(b []byte, line int, pathIndex string) (BulkItem, error) {
	var action map[string]json.RawMessage
	if err := json.Unmarshal(b, &action); err != nil {
		return BulkItem{}, &BulkSyntaxError{Line: line, Reason: fmt.Sprintf("expected an action object like {\"index\":{}}: %v", err)}
	}
	if len(action) != 1 {
		return BulkItem{}, &BulkSyntaxError{Line: line, Reason: fmt.Sprintf("an action line holds exactly one action, found %d keys", len(action))}
	}
	item := BulkItem{Line: line, Index: pathIndex}
	var rawMeta json.RawMessage
	for k, v := range action {
		item.Action, rawMeta = k, v
	}
	switch item.Action {
	case "index", "create", "delete", "update":
	default:
		return BulkItem{}, &BulkSyntaxError{Line: line, Reason: fmt.Sprintf("unknown action %q; expected one of index, create, delete, update", item.Action)}
	}
	var meta bulkMeta
	if err := json.Unmarshal(rawMeta, &meta); err != nil {
		return BulkItem{}, &BulkSyntaxError{Line: line, Reason: fmt.Sprintf("the %s action's metadata must be an object: %v", item.Action, err)}
	}
	if meta.Index != "" {
		item.Index = meta.Index
	}
	if len(meta.ID) > 0 {
		var s string
		if json.Unmarshal(meta.ID, &s) == nil {
			item.ID = s
		} else {
			item.ID = string(meta.ID)
		}
	}
	if len(item.ID) > maxIDBytes {
		item.Err = &BulkError{Type: "action_request_validation_exception",
			Reason: fmt.Sprintf("validation failed: id is too long, must be no longer than %d bytes but was: %d", maxIDBytes, len(item.ID))}
	}
	if item.Index == "" {
		item.Err = &BulkError{Type: "action_request_validation_exception",
			Reason: "index is missing: set _index in the action or use /api/v1/_elastic/{index}/_bulk"}
	}
	return item, nil
}
