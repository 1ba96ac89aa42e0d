/**
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 */
// (The node condition makes `yaml` resolve to its CommonJS build under jsdom.)
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

import { DashboardJSON, loadDashboard, PanelJSON, PROVISIONED_UID, repoRoot, TRIAGE_DS } from './incidentDashboard';

/**
 * One 1440p screen without scrolling: 1440 px minus browser and Grafana
 * chrome (~330 px) at Grafana's 30 px rows plus 8 px margins is ~28 rows;
 * 26 leaves room for the variable bar.
 */
const SCREEN_ROWS = 26;
const GRID_COLUMNS = 24;

const dashboard: DashboardJSON = loadDashboard();
const byTitle = (prefix: string): PanelJSON => {
  const p = dashboard.panels.find((p) => p.title.startsWith(prefix));
  if (!p) {
    throw new Error(`the dashboard has no panel titled "${prefix}…"`);
  }
  return p;
};
const bottom = (p: PanelJSON) => p.gridPos.y + p.gridPos.h;
const right = (p: PanelJSON) => p.gridPos.x + p.gridPos.w;

describe('incident dashboard layout', () => {
  it('has the uid the alert rule, the data link and the README name', () => {
    expect(dashboard.uid).toBe('incident-response');
  });

  it('places each panel where the eye needs it', () => {
    const errors = byTitle('Error rate per service');
    const logs = byTitle('Live logs');
    const heatmap = byTitle('Latency heatmap');
    expect([errors.type, logs.type, heatmap.type]).toEqual(['timeseries', 'logs', 'heatmap']);
    // Error rate top-left, where the eye lands first.
    expect(errors.gridPos).toMatchObject({ x: 0, y: 0 });
    // Live logs directly under it, to the bottom of the screen.
    expect(logs.gridPos.x).toBe(0);
    expect(logs.gridPos.y).toBe(bottom(errors));
    expect(bottom(logs)).toBe(SCREEN_ROWS);
    // The heatmap heads the right column, beside both.
    expect(heatmap.gridPos.y).toBe(0);
    expect(heatmap.gridPos.x).toBe(right(errors));
    expect(right(heatmap)).toBe(GRID_COLUMNS);
    expect(heatmap.gridPos.h).toBeGreaterThanOrEqual(errors.gridPos.h);
  });

  it('fits the request rate and top errors in the right column', () => {
    expect(byTitle('Request rate per service').type).toBe('timeseries');
    expect(byTitle('Top error endpoints').type).toBe('table');
    for (const p of dashboard.panels.filter((p) => p.gridPos.x > 0)) {
      expect([p.title, right(p)]).toEqual([p.title, GRID_COLUMNS]);
    }
  });

  it('covers one screen, 24 columns wide, with no overlap and no gap', () => {
    const cells = new Map<string, string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect([p.title, x >= 0 && w > 0 && x + w <= GRID_COLUMNS, y >= 0 && h > 0 && y + h <= SCREEN_ROWS]).toEqual([
        p.title,
        true,
        true,
      ]);
      for (let col = x; col < x + w; col++) {
        for (let row = y; row < y + h; row++) {
          const key = `${col},${row}`;
          expect([key, cells.get(key)]).toEqual([key, undefined]);
          cells.set(key, p.title);
        }
      }
    }
    expect(cells.size).toBe(GRID_COLUMNS * SCREEN_ROWS);
  });

  it('has unique panel ids', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries the Triage datasource its $ds variable selects from every panel, target, variable and its annotation', () => {
    for (const p of dashboard.panels) {
      expect([p.title, p.datasource]).toEqual([p.title, TRIAGE_DS]);
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect([p.title, t.datasource]).toEqual([p.title, TRIAGE_DS]);
      }
    }
    for (const v of dashboard.templating.list.filter((v) => v.type !== 'datasource')) {
      expect([v.name, v.datasource]).toEqual([v.name, TRIAGE_DS]);
    }
    // No query names a datasource uid: the dashboard works whatever the datasource's uid.
    expect(JSON.stringify(dashboard)).not.toContain(`"uid":"${PROVISIONED_UID}"`);
    const deploys = dashboard.annotations.list.find((a) => a.name === 'Deploys');
    expect(deploys?.datasource).toEqual(TRIAGE_DS);
    expect(deploys?.target).toMatchObject({ queryType: 'annotations', query: 'message:deploy' });
  });

  it('asks each panel type for the query type whose frames it draws', () => {
    const want: Record<string, string[]> = {
      timeseries: ['timeseries'],
      logs: ['logs'],
      heatmap: ['heatmap'],
      table: ['table'],
    };
    for (const p of dashboard.panels) {
      for (const t of p.targets ?? []) {
        expect([p.title, want[p.type]]).toEqual([p.title, expect.arrayContaining([t.queryType])]);
      }
    }
    expect(byTitle('Live logs').targets?.[0]).toMatchObject({ live: true, sort: 'desc' });
    // The bucket fields' le labels give Grafana the upper-bound layout; no override is needed.
    const heatmapOptions = byTitle('Latency heatmap').options as {
      calculate: boolean;
      rowsFrame?: { layout?: string };
    };
    expect(heatmapOptions.calculate).toBe(false);
    expect(heatmapOptions.rowsFrame?.layout).toBeUndefined();
  });

  it('has $service (multi, All) and $severity from field values, and an ad hoc filter', () => {
    const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.service).toMatchObject({ type: 'query', multi: true, includeAll: true });
    expect(vars.service.query).toMatchObject({ queryType: 'fieldValues', field: 'service' });
    expect(vars.severity).toMatchObject({ type: 'query' });
    expect(vars.severity.query).toMatchObject({ queryType: 'fieldValues', field: 'severity' });
    expect(dashboard.templating.list.filter((v) => v.type === 'adhoc')).toHaveLength(1);
    // Every panel query follows the service selection.
    for (const p of dashboard.panels) {
      expect([p.title, p.targets?.[0].query]).toEqual([p.title, expect.stringContaining('service:$service')]);
    }
  });

  it('links heatmap cells to exactly their time bucket on this dashboard', () => {
    const links = byTitle('Latency heatmap').fieldConfig?.defaults.links ?? [];
    expect(links).toHaveLength(1);
    const url = new URL(links[0].url, 'http://grafana.invalid');
    expect(url.pathname).toBe(`/d/${dashboard.uid}/incident-response`);
    expect(url.searchParams.get('from')).toBe('${__data.fields.bucket_start_ms}');
    // Grafana has no ${__value.timeEnd}: it would fill in the cell's count.
    expect(url.searchParams.get('to')).toBe('${__value.time}');
    expect(links[0].url).toContain('${__all_variables}');
  });

  it('shows Grafana’s alert annotations and the Triage deploy annotations', () => {
    const builtIn = dashboard.annotations.list.find((a) => a.builtIn === 1);
    expect(builtIn?.datasource).toEqual({ type: 'grafana', uid: '-- Grafana --' });
    expect(dashboard.annotations.list.map((a) => a.name)).toEqual(['Annotations & Alerts', 'Deploys']);
  });
});

describe('provisioning', () => {
  const readYAML = (path: string) => parse(readFileSync(join(repoRoot, 'provisioning', path), 'utf8'));

  it('provisions the dashboards directory with deletion disabled', () => {
    const doc = readYAML('dashboards/triage.yaml');
    expect(doc.providers).toHaveLength(1);
    expect(doc.providers[0]).toMatchObject({ type: 'file', disableDeletion: true });
    const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yaml'), 'utf8'));
    const mounts: string[] = compose.services.grafana.volumes;
    expect(mounts).toContain(`./dashboards:${doc.providers[0].options.path}:ro`);
  });

  it('provisions the datasource the dashboard names', () => {
    const doc = readYAML('datasources/triage.yaml');
    expect(doc.datasources).toEqual([expect.objectContaining({ uid: PROVISIONED_UID, type: TRIAGE_DS.type })]);
  });

  it('links the error alert rule to the error-rate panel and queries the datasource as that panel does', () => {
    const doc = readYAML('alerting/error-ratio.yaml');
    const rule = doc.groups[0].rules[0];
    expect(rule.annotations.__dashboardUid__).toBe(dashboard.uid);
    const panel = dashboard.panels.find((p) => String(p.id) === rule.annotations.__panelId__);
    expect(panel?.title).toBe('Error rate per service');
    const refIds = rule.data.map((d: { refId: string }) => d.refId);
    expect(refIds).toContain(rule.condition);
    const triage = rule.data.filter((d: { datasourceUid: string }) => d.datasourceUid === PROVISIONED_UID);
    expect(triage.map((d: { model: { queryType: string } }) => d.model.queryType)).toEqual([
      'timeseries',
      'timeseries',
    ]);
    expect(triage[0].model.query).toBe('severity:error');
    expect(triage[0].model.groupBy).toEqual([expect.objectContaining({ field: 'service' })]);
    // Expressions read only refIds that exist.
    for (const d of rule.data.filter((d: { datasourceUid: string }) => d.datasourceUid === '__expr__')) {
      const refs = String(d.model.expression).match(/\$?[a-z_]+/g) ?? [];
      for (const ref of refs) {
        expect(refIds).toContain(ref.replace(/^\$/, ''));
      }
    }
  });
});
