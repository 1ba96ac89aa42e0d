/** Every selector a test uses, declared once. */
export const testIds = {
  configEditor: {
    dataDir: 'triage-config-data-dir',
    retention: 'triage-config-retention',
    defaultIndex: 'triage-config-default-index',
    ingestListen: 'triage-config-ingest-listen',
    ingestToken: 'triage-config-ingest-token',
  },
  queryEditor: {
    queryType: 'triage-query-type',
    query: 'triage-query-text',
    limit: 'triage-query-limit',
  },
};
