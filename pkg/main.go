// Command gpx_triage is the Triage backend: a Grafana datasource plugin with
// an embedded log search engine. Started by Grafana (no arguments) it speaks
// the plugin protocol; `gpx_triage serve` runs the same engine standalone.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/triage-logs/triage/pkg/plugin"
	"github.com/triage-logs/triage/pkg/server"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		os.Exit(serve(os.Args[2:]))
	}
	// Ingest listeners of datasources served before come up now, not at
	// Grafana's first query.
	plugin.StartRemembered()
	if err := datasource.Manage(plugin.ID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("plugin stopped", "error", err)
		os.Exit(1)
	}
}

func serve(args []string) int {
	cfg, err := server.ParseServeFlags(args, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gpx_triage serve:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := server.Serve(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gpx_triage serve:", err)
		return 1
	}
	return 0
}
