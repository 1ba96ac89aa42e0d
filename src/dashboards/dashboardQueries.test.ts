/**
 * @jest-environment-options {"customExportConditions": ["node", "require"]}
 */
// (The node condition makes `yaml` resolve to its CommonJS build under jsdom.)
import { AdHocVariableFilter } from '@grafana/data';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

// Not a React hook despite its name: it installs a template service over a scene.
import { installSceneVariables, VariableSpec } from '../interpolation/sceneTemplateSrv';
import { interpolateTarget } from '../interpolation/target';
import { TriageQuery } from '../types';
import { loadDashboard, repoRoot } from './incidentDashboard';

/**
 * Every query the incident dashboard sends, interpolated for sample
 * selections exactly as the datasource's applyTemplateVariables does, with
 * Grafana's own interpolation (@grafana/scenes). test/dashboard_test.go
 * parses each with pkg/query and runs it through the plugin against
 * generated incident data. UPDATE_GOLDEN=1 rewrites the file.
 */
const goldenPath = join(__dirname, 'testdata', 'incident-queries.golden');

/** One interpolated query and the frames its consumer needs. */
interface GoldenQuery {
  scenario: string;
  source: string;
  /** What the consumer draws: the frame kind the Go test requires. */
  wants: 'timeseries' | 'log-lines' | 'heatmap-rows' | 'table' | 'fieldValues' | 'annotations';
  model: TriageQuery;
}

const services = ['payment-service', 'checkout-service', 'auth-service', 'cart-service'];
const severities = ['error', 'warn', 'info', 'debug'];

const scenarios: Array<{
  name: string;
  service: VariableSpec['value'];
  severity: VariableSpec['value'];
  filters: AdHocVariableFilter[];
}> = [
  {
    name: 'the incident service, errors and warnings',
    service: 'payment-service',
    severity: ['error', 'warn'],
    filters: [],
  },
  { name: 'everything (All, All)', service: '$__all', severity: '$__all', filters: [] },
  {
    name: 'two services, all severities, one ad hoc filter',
    service: ['payment-service', 'checkout-service'],
    severity: '$__all',
    filters: [{ key: 'host', operator: '!=', value: 'ip-10-0-1-10' }],
  },
];

const wantsByPanel: Record<string, GoldenQuery['wants']> = {
  timeseries: 'timeseries',
  logs: 'log-lines',
  heatmap: 'heatmap-rows',
  table: 'table',
};

// What Grafana stores but never sends to the backend as part of the model.
function model(q: TriageQuery): TriageQuery {
  const { datasource: _ds, ...rest } = q;
  return rest;
}

function interpolatedQueries(): GoldenQuery[] {
  const dashboard = loadDashboard();
  const out: GoldenQuery[] = [];
  for (const s of scenarios) {
    installSceneVariables({
      service: { value: s.service, options: services, multi: true, includeAll: true },
      severity: { value: s.severity, options: severities, multi: true, includeAll: true },
    });
    for (const p of dashboard.panels) {
      for (const t of p.targets ?? []) {
        out.push({
          scenario: s.name,
          source: `panel ${p.id} ${p.title} (${t.refId})`,
          wants: wantsByPanel[p.type],
          model: model(interpolateTarget(t, {}, s.filters)),
        });
      }
    }
    for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) {
      out.push({
        scenario: s.name,
        source: `variable ${v.name}`,
        wants: 'fieldValues',
        model: interpolateTarget(v.query as TriageQuery, {}),
      });
    }
    for (const a of dashboard.annotations.list.filter((a) => a.target && !a.builtIn)) {
      out.push({
        scenario: s.name,
        source: `annotation ${a.name}`,
        wants: 'annotations',
        model: interpolateTarget(a.target as TriageQuery, {}, s.filters),
      });
    }
  }
  // Alert rules run in Grafana's backend with no interpolation at all.
  const alerting = parse(readFileSync(join(repoRoot, 'provisioning', 'alerting', 'error-ratio.yaml'), 'utf8'));
  for (const g of alerting.groups) {
    for (const r of g.rules) {
      for (const d of r.data.filter((d: { datasourceUid: string }) => d.datasourceUid === 'triage')) {
        out.push({ scenario: 'alert rule', source: `rule ${r.uid} (${d.refId})`, wants: 'timeseries', model: d.model });
      }
    }
  }
  return out;
}

describe('incident dashboard queries, interpolated as the frontend sends them', () => {
  const actual = interpolatedQueries();

  if (process.env.UPDATE_GOLDEN) {
    writeFileSync(goldenPath, JSON.stringify(actual, null, 2) + '\n');
  }

  it('match the golden file test/dashboard_test.go runs', () => {
    const golden: GoldenQuery[] = JSON.parse(readFileSync(goldenPath, 'utf8'));
    expect(actual).toEqual(golden);
  });

  it('leave no dashboard variable behind, only backend macros', () => {
    for (const q of actual) {
      const text = JSON.stringify(q.model).replace(/\$__interval/g, '');
      expect([q.scenario, q.source, text]).toEqual([q.scenario, q.source, expect.not.stringMatching(/\$\w|\[\[/)]);
    }
  });

  it('narrow every panel by the selected services', () => {
    const one = actual.filter((q) => q.scenario === scenarios[0].name && q.source.startsWith('panel'));
    expect(one.length).toBeGreaterThanOrEqual(5);
    for (const q of one) {
      expect([q.source, q.model.query]).toEqual([q.source, expect.stringContaining('service:payment-service')]);
    }
  });
});
