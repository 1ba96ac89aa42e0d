import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** The query types the backend answers (pkg/query's model). */
export type QueryType = 'logs' | 'timeseries' | 'heatmap' | 'table' | 'fieldValues' | 'logsVolume' | 'annotations';

export const QUERY_TYPES: QueryType[] = [
  'logs',
  'timeseries',
  'heatmap',
  'table',
  'fieldValues',
  'logsVolume',
  'annotations',
];

/** One Triage query, as stored in dashboards and sent to the backend. */
export interface TriageQuery extends DataQuery {
  queryType?: QueryType;
  index?: string;
  query?: string;
  limit?: number;
  sort?: 'asc' | 'desc';
}

export const DEFAULT_QUERY: Partial<TriageQuery> = {
  queryType: 'logs',
  query: '',
  limit: 100,
  sort: 'desc',
};

/** jsonData of a Triage datasource; the backend's pkg/plugin/settings.go reads the same keys. */
export interface TriageOptions extends DataSourceJsonData {
  dataDir?: string;
  defaultIndex?: string;
  retention?: string;
  ingestListen?: string;
}

/** secureJsonData: sent to the backend only, never back to the browser. */
export interface TriageSecureOptions {
  ingestToken?: string;
}
