/** Where the e2e tests find Grafana and the browser; read by the config and the global setup. */

/** The Grafana under test: GRAFANA_URL, else the docker compose service. */
export function grafanaURL(): string {
  return (process.env.GRAFANA_URL || 'http://localhost:3000').replace(/\/+$/, '');
}

/** The Chromium to drive: PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, else Debian's. */
export function chromiumPath(): string {
  return process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH || '/usr/bin/chromium';
}
