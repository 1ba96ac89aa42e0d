/** The incident dashboard as the e2e tests address it, declared once. */
export const INCIDENT_DASHBOARD_UID = 'incident-response';

/** Panel titles, in panel id order. */
export const PANEL_TITLES = [
  'Error rate per service',
  'Live logs',
  'Latency heatmap (p99 tail) — click a cell to rescope',
  'Request rate per service',
  'Top error endpoints',
];
