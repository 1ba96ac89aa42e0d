/**
 * Fails the run at once, saying what to do, when no Grafana answers at
 * GRAFANA_URL or there is no browser, instead of every test timing out.
 */
import { existsSync } from 'node:fs';

import { chromiumPath, grafanaURL } from './grafana';

export default async function globalSetup(): Promise<void> {
  const url = grafanaURL();
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) {
      throw new Error(`GET /api/health answered ${res.status}`);
    }
  } catch (e) {
    throw new Error(`no Grafana at ${url}: start it with docker compose up (${(e as Error).message})`);
  }
  if (!existsSync(chromiumPath())) {
    throw new Error(
      `no Chromium at ${chromiumPath()}: set CHROMIUM_PATH or apt-get install -y chromium`
    );
  }
}
