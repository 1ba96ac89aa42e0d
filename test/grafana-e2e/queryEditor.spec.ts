import { expect, test } from '@grafana/plugin-e2e';

import { testIds } from '../../src/components/testIds';
import { INCIDENT_DASHBOARD_UID } from './incident';

test('the query editor validates a query that uses a dashboard variable', async ({ gotoPanelEditPage, page }) => {
  // Panel 1 is the error rate: service:$service AND severity:error.
  const editPage = await gotoPanelEditPage({ dashboard: { uid: INCIDENT_DASHBOARD_UID }, id: '1' });
  const row = editPage.getQueryEditorRow('A');
  const text = row.getByTestId(testIds.queryEditor.query);
  await expect(text).toHaveValue('service:$service AND severity:error');
  await expect(row.getByTestId(testIds.queryEditor.error)).toHaveCount(0);

  // A variable is a value, not an error; the unclosed group is.
  await text.fill('service:$service AND (severity:error');
  await expect(row.getByTestId(testIds.queryEditor.error)).toBeVisible();
  await expect(row.getByTestId(testIds.queryEditor.errorMark)).toBeVisible();

  await text.fill('service:$service AND severity:IN [error warn]');
  await expect(row.getByTestId(testIds.queryEditor.error)).toHaveCount(0);
  await expect(editPage.refreshPanel()).toBeOK();
  await expect(page.getByText('No data')).toHaveCount(0);
});
