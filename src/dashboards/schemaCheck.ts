/**
 * Type-checks dashboard JSON against @grafana/schema with the TypeScript
 * compiler: the JSON is written into a generated module as object literals
 * annotated with the schema types (the dashboard as `Dashboard`, each
 * panel's options and custom field config as its panel plugin's `Options`
 * and `FieldConfig`), so unions, required keys and misspelt keys (excess
 * property checks) are all reported, as Grafana's own types define them.
 * The schema declares many unions as string enums, which a JSON string can
 * never be; `AsJSON` swaps each for the union of its values (`${Enum}`),
 * which is exactly what Grafana accepts in a dashboard file.
 */
import { join } from 'path';
import ts from 'typescript';

import { repoRoot } from './incidentDashboard';

/** The panel plugins whose options types @grafana/schema publishes, by panel type. */
const PANEL_CFG: Record<string, string> = {
  timeseries: 'timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen',
  logs: 'logs/panelcfg/x/LogsPanelCfg_types.gen',
  heatmap: 'heatmap/panelcfg/x/HeatmapPanelCfg_types.gen',
  table: 'table/panelcfg/x/TablePanelCfg_types.gen',
};

interface PanelLike {
  type?: string;
  targets?: unknown[];
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
}

/** schemaSource writes the module that annotates the dashboard with the schema types. */
export function schemaSource(dashboard: { panels?: PanelLike[] }): string {
  const lines = [
    `import type { AnnotationQuery, Dashboard } from '@grafana/schema';`,
    `import type { TriageQuery } from '../types';`,
    `type AsJSON<T> = T extends string ? \`\${T}\` : T extends Array<infer U> ? Array<AsJSON<U>> : T extends object ? { [K in keyof T]: AsJSON<T[K]> } : T;`,
  ];
  const used = new Set((dashboard.panels ?? []).map((p) => p.type ?? ''));
  for (const [type, path] of Object.entries(PANEL_CFG)) {
    if (used.has(type)) {
      lines.push(`import type * as ${type} from '@grafana/schema/dist/esm/raw/composable/${path}';`);
    }
  }
  // Annotation targets are the datasource's own queries: Triage's model, not the bare DataQuery.
  lines.push(
    `type TriageDashboard = Omit<AsJSON<Dashboard>, 'annotations'> & { annotations?: { list?: Array<AsJSON<AnnotationQuery<TriageQuery>>> } };`
  );
  // An exported dashboard's import inputs (Grafana's export format; import
  // replaces each ${NAME} and drops the key), as Grafana's bundled dashboards carry them.
  lines.push(
    `type ImportInput = { name: string; label: string; description?: string; type: 'datasource'; pluginId: string; pluginName: string };`,
    `type ExportedDashboard = TriageDashboard & { __inputs?: ImportInput[] };`
  );
  lines.push(`export const dashboard: ExportedDashboard = ${JSON.stringify(dashboard, null, 2)};`);
  (dashboard.panels ?? []).forEach((p, i) => {
    if (!p.type || !(p.type in PANEL_CFG)) {
      lines.push(`// panel ${i} has type ${JSON.stringify(p.type)}, whose options this check does not know`);
      lines.push(`export const panel${i}Unknown: never = ${JSON.stringify(p.type)};`);
      return;
    }
    lines.push(
      `export const panel${i}Targets: Array<AsJSON<TriageQuery>> = ${JSON.stringify(p.targets ?? [], null, 2)};`
    );
    lines.push(
      `export const panel${i}Options: AsJSON<${p.type}.Options> = ${JSON.stringify(p.options ?? {}, null, 2)};`
    );
    if (p.fieldConfig?.defaults?.custom !== undefined && p.type !== 'logs') {
      lines.push(
        `export const panel${i}Custom: AsJSON<${p.type}.FieldConfig> = ${JSON.stringify(p.fieldConfig.defaults.custom, null, 2)};`
      );
    }
  });
  return lines.join('\n') + '\n';
}

/** schemaErrors type-checks the dashboard and returns the compiler's messages (none when it conforms). */
export function schemaErrors(dashboard: { panels?: PanelLike[] }): string[] {
  const fileName = join(repoRoot, 'src', 'dashboards', '__dashboard_schema_check__.ts');
  const source = schemaSource(dashboard);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  // npm run test:grafana13 checks against the @grafana/schema it installed.
  const grafanaModules = process.env.TRIAGE_GRAFANA_MODULES;
  if (grafanaModules) {
    options.paths = { '@grafana/*': [join(grafanaModules, '@grafana', '*')] };
  }
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === fileName ? source : readFile(f));
  host.fileExists = (
    (exists) => (f: string) =>
      f === fileName || exists(f)
  )(host.fileExists.bind(host));
  host.getSourceFile = (f, lang, onError, fresh) =>
    f === fileName ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, onError, fresh);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const at =
        d.file.fileName === fileName
          ? `generated line ${line + 1}: ${source.split('\n')[line].trim()}`
          : d.file.fileName;
      return `${at}\n  ${text}`;
    }
    return text;
  });
}
