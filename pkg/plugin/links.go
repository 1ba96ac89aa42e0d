package plugin

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// DataLinkSetting links a log field to a URL or to a trace datasource, as
// configured in the datasource settings (jsonData.dataLinks).
type DataLinkSetting struct {
	Field string `json:"field"`
	// URL is a template; ${__value.raw} is the field's value.
	URL string `json:"url,omitempty"`
	// DatasourceUID names a trace datasource; the value is the trace id.
	DatasourceUID string `json:"datasourceUid,omitempty"`
	Label         string `json:"label,omitempty"`
}

func (l DataLinkSetting) validate(i int) error {
	switch {
	case strings.TrimSpace(l.Field) == "":
		return fmt.Errorf("dataLinks[%d] needs the field it links from", i)
	case (l.URL == "") == (l.DatasourceUID == ""):
		return fmt.Errorf("dataLinks[%d] (field %q) needs exactly one of url or datasourceUid", i, l.Field)
	}
	return nil
}

// toDataLink is the link Grafana shows on the field: a URL, or an internal
// link that opens the trace in the trace datasource.
func (l DataLinkSetting) toDataLink() data.DataLink {
	title := l.Label
	if title == "" {
		title = "Open " + l.Field
	}
	if l.URL != "" {
		return data.DataLink{Title: title, URL: l.URL, TargetBlank: true}
	}
	return data.DataLink{Title: title, Internal: &data.InternalDataLink{
		DatasourceUID: l.DatasourceUID,
		Query:         map[string]any{"query": "${__value.raw}", "queryType": "traceql"},
	}}
}

// contextLink opens Explore on this datasource's index for the ten minutes
// around a log line. The window's bounds are per-row hidden fields
// (context_from_ms, context_to_ms): a link cannot compute them, and exact
// absolute times survive being shared.
func (d *Datasource) contextLink(index string) data.DataLink {
	pane := map[string]any{
		"datasource": d.uid,
		"queries": []map[string]any{{
			"refId":      "A",
			"datasource": map[string]string{"type": ID, "uid": d.uid},
			"queryType":  "logs",
			"index":      index,
			"query":      "*",
			"limit":      1000,
			"sort":       "desc",
		}},
		"range": map[string]string{"from": "FROM_MS_TEMPLATE", "to": "TO_MS_TEMPLATE"},
	}
	raw, err := json.Marshal(map[string]any{"ctx": pane})
	if err != nil {
		return data.DataLink{}
	}
	panes := url.QueryEscape(string(raw))
	panes = strings.Replace(panes, "FROM_MS_TEMPLATE", "${__data.fields."+contextFromField+"}", 1)
	panes = strings.Replace(panes, "TO_MS_TEMPLATE", "${__data.fields."+contextToField+"}", 1)
	return data.DataLink{Title: "Logs around this line", URL: "/explore?schemaVersion=1&panes=" + panes}
}
