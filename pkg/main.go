// Command gpx_triage is the Triage backend: a Grafana datasource plugin with
// an embedded log search engine. Started by Grafana (no arguments) it speaks
// the plugin protocol; `gpx_triage serve` runs the same engine standalone.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/triage-logs/triage/pkg/plugin"
	"github.com/triage-logs/triage/pkg/server"
)

func main() {
	setGCPercent()
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve":
			os.Exit(serve(os.Args[2:]))
		case "-h", "-help", "--help", "help":
			usage(os.Stdout)
			return
		case "-version", "-buildinfo":
			// The SDK answers these inside datasource.Manage.
		default:
			fmt.Fprintf(os.Stderr, "gpx_triage: unknown command %q\n\n", os.Args[1])
			usage(os.Stderr)
			os.Exit(2)
		}
	}
	// Ingest listeners of datasources served before come up now, not at
	// Grafana's first query.
	plugin.StartRemembered()
	if err := datasource.Manage(plugin.ID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("plugin stopped", "error", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `gpx_triage is Triage: incident log search with the search engine inside.

Usage:
  gpx_triage            run as a Grafana backend plugin (Grafana starts it; not for a shell)
  gpx_triage -version   print the version (-buildinfo: version, plugin id and build time)
  gpx_triage serve [flags]
                        run the engine standalone: Quickwit, Elasticsearch _bulk and Loki
                        ingest, Quickwit search, index management, /metrics,
                        /health/livez and /health/readyz on one HTTP address

`)
	// ParseServeFlags prints the serve flags and their defaults for -h.
	_, _ = server.ParseServeFlags([]string{"-h"}, w)
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
