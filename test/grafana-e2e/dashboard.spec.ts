import { expect, test } from '@grafana/plugin-e2e';

import { INCIDENT_DASHBOARD_UID, PANEL_TITLES } from './incident';

test('every panel of the incident dashboard renders data', async ({ gotoDashboardPage, page }) => {
  const failed: string[] = [];
  page.on('response', async (res) => {
    if (res.url().includes('/api/ds/query') && !res.ok()) {
      failed.push(`${res.status()} ${await res.text()}`);
    }
  });
  const dashboardPage = await gotoDashboardPage({ uid: INCIDENT_DASHBOARD_UID });
  await dashboardPage.waitForPanelsQueriesToComplete({ scrollAll: true });
  for (const title of PANEL_TITLES) {
    const panel = dashboardPage.getPanelByTitle(title);
    await expect(panel.locator, title).toBeVisible();
    await expect(panel.getErrorIcon(), `${title} shows an error`).toHaveCount(0);
    await expect(panel.locator, `${title} has no data`).not.toContainText('No data');
  }
  // What each kind of panel draws when it has data: log rows start with their time (showTime).
  await expect(
    dashboardPage
      .getPanelByTitle('Live logs')
      .locator.getByText(/\d{2}:\d{2}:\d{2}/)
      .first()
  ).toBeVisible();
  await expect(
    dashboardPage
      .getPanelByTitle('Top error endpoints')
      .locator.getByText(/\/api\/v1\//)
      .first()
  ).toBeVisible();
  for (const title of ['Error rate per service', 'Request rate per service', PANEL_TITLES[2]]) {
    await expect(dashboardPage.getPanelByTitle(title).locator.locator('canvas').first()).toBeVisible();
  }
  expect(failed).toEqual([]);
});
