/**
 * Playwright for the incident dashboard against a running Grafana:
 * `go run github.com/magefile/mage e2e` (or `npx playwright test -c test/grafana-e2e/playwright.config.ts`).
 * GRAFANA_URL picks the Grafana (default: the docker compose service);
 * CHROMIUM_PATH the browser (default Debian's /usr/bin/chromium),
 * since Playwright's own browser download is not assumed.
 */
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import { dirname, join } from 'node:path';

import { chromiumPath, grafanaURL } from './grafana';

const pluginE2eAuth = join(dirname(require.resolve('@grafana/plugin-e2e')), 'auth');
const repoRoot = join(__dirname, '..', '..');

export default defineConfig<PluginOptions>({
  testDir: __dirname,
  outputDir: join(repoRoot, 'test-results', 'e2e'),
  globalSetup: require.resolve('./globalSetup'),
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { outputFolder: join(repoRoot, 'playwright-report'), open: 'never' }]],
  use: {
    baseURL: grafanaURL(),
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    provisioningRootDir: join(repoRoot, 'provisioning'),
    // The dashboard is laid out for one 1440p screen.
    viewport: { width: 2560, height: 1440 },
    launchOptions: {
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    },
  },
  projects: [
    // plugin-e2e logs in as admin and stores the session for the tests.
    { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
    {
      name: 'incident',
      testMatch: [/.*\.spec\.ts/],
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 2560, height: 1440 },
        storageState: join(repoRoot, 'playwright', '.auth', 'admin.json'),
      },
      dependencies: ['auth'],
    },
  ],
});
