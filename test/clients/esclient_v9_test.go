package clients

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	elasticsearch "github.com/elastic/go-elasticsearch/v9"
	"github.com/elastic/go-elasticsearch/v9/esapi"
	"github.com/elastic/go-elasticsearch/v9/esutil"
)

// esV9 drives Triage with the official go-elasticsearch v9 client.
type esV9 struct {
	es *elasticsearch.Client
}

func newESV9(t *testing.T, baseURL string, tr *statusCounter) esClient {
	t.Helper()
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: []string{baseURL + "/api/v1/_elastic"},
		Transport: tr,
		// The retry settings of go-elasticsearch's own bulk indexer example
		// (429 added to the retried statuses, exponential backoff), which
		// examples/go-elasticsearch.md documents for Triage.
		RetryOnStatus: retryOnStatus,
		MaxRetries:    maxRetries,
		RetryBackoff:  retryBackoff,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &esV9{es: es}
}

func (c *esV9) name() string { return "v9" }

func (c *esV9) bulk(t *testing.T, cfg bulkConfig) *bulkStats {
	t.Helper()
	return bulkUntilAnswered(t, cfg, func(st *bulkStats, pending []int) error {
		bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
			Client: c.es, Index: cfg.index, NumWorkers: cfg.workers, FlushBytes: cfg.flushBytes,
			OnError: func(_ context.Context, err error) { st.noteFlushError(err) },
		})
		if err != nil {
			return err
		}
		ctx := context.Background()
		for k, i := range pending {
			id, doc := cfg.doc(i)
			err := bi.Add(ctx, esutil.BulkIndexerItem{Action: "index", DocumentID: id, Body: bytes.NewReader(doc),
				OnSuccess: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem) { st.noteStored(i) },
				OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
					st.noteFailed(i, res.Status, fmt.Sprintf("item %s: %d %s %s %v", id, res.Status, res.Error.Type, res.Error.Reason, err), err)
				}})
			if err != nil {
				return fmt.Errorf("add item %d: %w", i, err)
			}
			if cfg.tick != nil && k%1000 == 999 {
				cfg.tick(st.storedSoFar())
			}
		}
		return bi.Close(ctx)
	})
}

func (c *esV9) read(t *testing.T, res *esapi.Response, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", c.name(), err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.IsError() {
		t.Fatalf("%s: %s: %s", c.name(), res.Status(), body)
	}
	return body
}

func (c *esV9) search(t *testing.T, index, body string) []byte {
	res, err := c.es.Search(c.es.Search.WithIndex(index), c.es.Search.WithBody(strings.NewReader(body)))
	return c.read(t, res, err)
}

func (c *esV9) msearch(t *testing.T, body string) []byte {
	res, err := c.es.Msearch(strings.NewReader(body))
	return c.read(t, res, err)
}

func (c *esV9) count(t *testing.T, index, body string) []byte {
	opts := []func(*esapi.CountRequest){c.es.Count.WithIndex(index)}
	if body != "" {
		opts = append(opts, c.es.Count.WithBody(strings.NewReader(body)))
	}
	res, err := c.es.Count(opts...)
	return c.read(t, res, err)
}

func (c *esV9) fieldCaps(t *testing.T, index, fields string) []byte {
	res, err := c.es.FieldCaps(c.es.FieldCaps.WithIndex(index), c.es.FieldCaps.WithFields(fields))
	return c.read(t, res, err)
}
