/** Where the e2e tests find Grafana and the browser; read by the config and the global setup. */

/** The Grafana under test: GRAFANA_URL, else the docker compose service. */
export function grafanaURL(): string {
  return (process.env.GRAFANA_URL || 'http://localhost:3000').replace(/\/+$/, '');
}

/** The Chromium to drive: CHROMIUM_PATH (the one variable every browser test reads), else Debian's. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}
