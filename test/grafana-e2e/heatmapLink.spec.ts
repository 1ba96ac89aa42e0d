import { expect, test } from '@grafana/plugin-e2e';

import { INCIDENT_DASHBOARD_UID, PANEL_TITLES } from './incident';

test('a heatmap cell link rescopes the dashboard to that time bucket', async ({ gotoDashboardPage, page }) => {
  const dashboardPage = await gotoDashboardPage({
    uid: INCIDENT_DASHBOARD_UID,
    queryParams: new URLSearchParams({ from: 'now-1h', to: 'now', refresh: '' }),
  });
  await dashboardPage.waitForPanelsQueriesToComplete();
  const heatmap = dashboardPage.getPanelByTitle(PANEL_TITLES[2]);
  const plot = heatmap.locator.locator('.u-over').first();
  const box = await plot.boundingBox();
  expect(box, 'the heatmap plot is laid out').not.toBeNull();
  const link = page.getByRole('link', { name: /Rescope the dashboard to this bucket/ });

  // Pin the tooltip on a recent cell; the fast buckets at the bottom always have requests.
  for (const y of [0.92, 0.8, 0.68, 0.56, 0.44]) {
    await page.mouse.click(box!.x + box!.width * 0.8, box!.y + box!.height * y);
    if (await link.isVisible()) {
      break;
    }
    await page.keyboard.press('Escape');
  }
  await expect(link).toBeVisible();
  const href = new URL((await link.getAttribute('href'))!, page.url());
  const from = Number(href.searchParams.get('from'));
  const to = Number(href.searchParams.get('to'));
  // One heatmap column: the panel asks for 60 points over the hour.
  expect(to - from).toBe(60_000);
  expect(from % 60_000).toBe(0);

  await link.click();
  await page.waitForURL((u) => u.searchParams.get('from') === String(from) && u.searchParams.get('to') === String(to));
  expect(new URL(page.url()).pathname).toContain(`/d/${INCIDENT_DASHBOARD_UID}/`);
  // The logs panel now shows only that minute.
  const logs = dashboardPage.getPanelByTitle('Live logs');
  await expect(logs.getErrorIcon()).toHaveCount(0);
});
