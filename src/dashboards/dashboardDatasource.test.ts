/**
 * The bundled dashboard works for a Triage datasource of any uid, whether it
 * is provisioned from the file as is or imported from the datasource's
 * Dashboards tab: both paths are replayed with Grafana's own code
 * (@grafana/scenes' DataSourceVariable and interpolation) where it ships in
 * a package, and with a faithful copy where it lives only in Grafana's
 * source (cited at each step).
 */
import { DataSourceInstanceSettings } from '@grafana/data';
import { setDataSourceSrv } from '@grafana/runtime';
import { DataSourceVariable, EmbeddedScene, SceneFlexLayout, sceneGraph, SceneVariableSet } from '@grafana/scenes';
import { lastValueFrom } from 'rxjs';

import { DashboardJSON, loadDashboard, VariableJSON } from './incidentDashboard';

const PLUGIN_ID = 'triage-logs-datasource';

/** Grafana's datasource list as a DataSourceVariable asks for it (getList filtered by pluginId). */
function installDatasources(list: Array<{ uid: string; name: string; type: string; isDefault?: boolean }>) {
  const settings = list.map((d) => ({ ...d, meta: { id: d.type } }) as unknown as DataSourceInstanceSettings);
  setDataSourceSrv({
    getList: (filters?: { pluginId?: string }) =>
      settings.filter((s) => !filters?.pluginId || s.type === filters.pluginId),
    getInstanceSettings: (ref?: string | { uid?: string }) =>
      settings.find((s) => s.uid === (typeof ref === 'string' ? ref : ref?.uid)),
    get: () => Promise.reject(new Error('not used')),
    reload: () => undefined,
    registerRuntimeDataSource: () => undefined,
  } as unknown as Parameters<typeof setDataSourceSrv>[0]);
}

/**
 * dashTemplateEvaluate does what importing a dashboard with inputs does in
 * Grafana (pkg/services/dashboardimport/utils/dash_template_evaluator.go):
 * every `${NAME}` of an `__inputs` entry is replaced in every string by the
 * value the import supplies, matched by name or by the wildcard input the
 * Dashboards tab sends ({name: '*', type: 'datasource', pluginId, value});
 * `__inputs` itself is dropped; a missing input fails the import.
 */
function dashTemplateEvaluate(
  template: DashboardJSON,
  inputs: Array<{ name: string; type: string; pluginId?: string; value: string }>
): DashboardJSON {
  const variables: Record<string, string> = {};
  for (const def of template.__inputs ?? []) {
    const input = inputs.find((i) => i.type === def.type && (i.name === def.name || i.name === '*'));
    if (!input) {
      throw new Error(`Dashboard input variable: ${def.name} missing from import command`);
    }
    variables['${' + def.name + '}'] = input.value;
  }
  const evalValue = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/(\$\{.+?\})/g, (m) => variables[m] ?? m);
    }
    if (Array.isArray(v)) {
      return v.map(evalValue);
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== '__inputs')
          .map(([k, x]) => [k, evalValue(x)])
      );
    }
    return v;
  };
  return evalValue(template) as DashboardJSON;
}

/**
 * loadDatasourceVariable builds the scene variable a dashboard's datasource
 * variable becomes, as Grafana's Scenes dashboards do
 * (public/app/features/dashboard-scene/serialization/sceneVariablesSetToVariables.ts
 * and its inverse: value and text from `current`, pluginId from `query`),
 * and runs its option update as loading the dashboard does.
 */
async function loadDatasourceVariable(dashboard: DashboardJSON): Promise<EmbeddedScene> {
  const v = dashboard.templating.list.find((x) => x.type === 'datasource') as VariableJSON;
  expect(v).toBeDefined();
  const variable = new DataSourceVariable({
    name: v.name,
    value: v.current?.value ?? '',
    text: v.current?.text ?? '',
    pluginId: String(v.query),
    regex: '',
  });
  const scene = new EmbeddedScene({
    $variables: new SceneVariableSet({ variables: [variable] }),
    body: new SceneFlexLayout({ children: [] }),
  });
  await lastValueFrom(variable.validateAndUpdate());
  return scene;
}

describe('the bundled dashboard, whatever the datasource uid', () => {
  const dashboard = loadDashboard();
  const everyDatasourceRef = (d: DashboardJSON) =>
    JSON.stringify(d)
      .match(/"datasource":\{"type":"triage-logs-datasource","uid":"[^"]*"\}/g)
      ?.map((m) => JSON.parse(m.slice('"datasource":'.length)).uid) ?? [];

  it('declares the datasource input Grafana’s import asks for, and names it only through $ds', () => {
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_TRIAGE', type: 'datasource', pluginId: PLUGIN_ID }),
    ]);
    const refs = everyDatasourceRef(dashboard);
    expect(refs.length).toBeGreaterThan(5);
    expect(new Set(refs)).toEqual(new Set(['${ds}']));
  });

  it('provisioned from the file as is (inputs not substituted), $ds selects the Triage datasource, whatever its uid', async () => {
    installDatasources([
      { uid: 'prom-1', name: 'Prometheus', type: 'prometheus', isDefault: true },
      { uid: 'a1b2c3d4', name: 'Triage (created in the UI)', type: PLUGIN_ID },
    ]);
    const scene = await loadDatasourceVariable(dashboard);
    expect(sceneGraph.interpolate(scene, '${ds}')).toBe('a1b2c3d4');
  });

  it('imported from the Dashboards tab, $ds is the datasource the import chose', async () => {
    installDatasources([
      { uid: 'triage-eu', name: 'Triage EU', type: PLUGIN_ID },
      { uid: 'triage-us', name: 'Triage US', type: PLUGIN_ID },
    ]);
    const imported = dashTemplateEvaluate(dashboard, [
      { name: '*', type: 'datasource', pluginId: PLUGIN_ID, value: 'triage-us' },
    ]);
    expect(JSON.stringify(imported)).not.toContain('DS_TRIAGE');
    expect('__inputs' in imported).toBe(false);
    const scene = await loadDatasourceVariable(imported);
    expect(sceneGraph.interpolate(scene, '${ds}')).toBe('triage-us');
    expect(new Set(everyDatasourceRef(imported))).toEqual(new Set(['${ds}']));
  });

  it('an import without the datasource input fails, as Grafana’s does', () => {
    expect(() => dashTemplateEvaluate(dashboard, [])).toThrow('DS_TRIAGE missing');
  });
});
