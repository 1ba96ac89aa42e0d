/**
 * The provisioned incident dashboard as the dashboard tests read it: one
 * loader and the few shapes the tests need, so the schema, layout and
 * interpolation tests agree on what they check.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { TriageQuery } from '../types';

/** The repository root, from this file's place in src/dashboards/. */
export const repoRoot = join(__dirname, '..', '..');

/** Where the dashboard lives; src/dashboards/incident-response.json links to it for the plugin bundle. */
export const dashboardPath = join(repoRoot, 'dashboards', 'incident-response.json');

/** The datasource every query of the dashboard names: the one its $ds variable selects. */
export const TRIAGE_DS = { type: 'triage-logs-datasource', uid: '${ds}' };

/** The uid of the provisioned Triage datasource, which the alert rule names. */
export const PROVISIONED_UID = 'triage';

/** A panel as the layout and query tests read it. */
export interface PanelJSON {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Array<TriageQuery & { datasource?: { type?: string; uid?: string } }>;
  fieldConfig?: { defaults: { links?: Array<{ title: string; url: string }>; custom?: Record<string, unknown> } };
  options?: Record<string, unknown>;
}

/** A template variable as the tests read it. */
export interface VariableJSON {
  name: string;
  type: string;
  current?: { text?: string; value?: string };
  multi?: boolean;
  includeAll?: boolean;
  datasource?: { type?: string; uid?: string };
  query?: TriageQuery | string;
}

/** An annotation query as the tests read it. */
export interface AnnotationJSON {
  name: string;
  builtIn?: number;
  datasource?: { type?: string; uid?: string };
  target?: TriageQuery;
}

/** The parts of the dashboard the tests read. */
export interface DashboardJSON {
  __inputs?: Array<{ name: string; type: string; pluginId: string }>;
  uid: string;
  title: string;
  panels: PanelJSON[];
  templating: { list: VariableJSON[] };
  annotations: { list: AnnotationJSON[] };
}

/** loadDashboardText returns the dashboard file as written. */
export function loadDashboardText(): string {
  return readFileSync(dashboardPath, 'utf8');
}

/** loadDashboard parses the dashboard file. */
export function loadDashboard(): DashboardJSON {
  return JSON.parse(loadDashboardText());
}
