import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** The query types the backend answers (pkg/query's model). */
export type QueryType = 'logs' | 'timeseries' | 'heatmap' | 'table' | 'fieldValues' | 'logsVolume' | 'annotations';

/** Every query type, in the order the editor lists them. */
export const QUERY_TYPES: QueryType[] = [
  'logs',
  'timeseries',
  'heatmap',
  'table',
  'fieldValues',
  'logsVolume',
  'annotations',
];

/** Aggregations a timeseries query computes per interval. */
export type MetricType = 'count' | 'avg' | 'sum' | 'min' | 'max' | 'percentile' | 'cardinality';

/** Every metric type, in the order the builder lists them. */
export const METRIC_TYPES: MetricType[] = ['count', 'avg', 'sum', 'min', 'max', 'percentile', 'cardinality'];

/** One aggregation of a timeseries query; field is required except for count. */
export interface Metric {
  type: MetricType;
  field?: string;
  percent?: number;
}

/** One terms split of a timeseries query: the top `size` values of field. */
export interface GroupBy {
  field: string;
  size?: number;
  order?: 'desc' | 'asc';
}

/** Heatmap buckets: explicit upper bounds, or a count spread on a scale. */
export interface HeatmapSpec {
  field: string;
  buckets?: number[];
  count?: number;
  scale?: 'log' | 'linear';
}

/** One Triage query, as stored in dashboards and sent to the backend (keys fixed by pkg/query's model). */
export interface TriageQuery extends DataQuery {
  queryType?: QueryType;
  index?: string;
  query?: string;
  limit?: number;
  sort?: 'asc' | 'desc';
  metrics?: Metric[];
  groupBy?: GroupBy[];
  /** "auto", "$__interval" or a duration such as "30s"; the backend resolves macros. */
  interval?: string;
  heatmap?: HeatmapSpec;
  /** The field whose values a fieldValues query lists. */
  field?: string;
  live?: boolean;
  /** A logs query continues strictly beyond this row position, "<unix ns>:<seq>" (log context). */
  after?: string;
}

/** What a new query starts as. */
export const DEFAULT_QUERY: Partial<TriageQuery> = {
  queryType: 'logs',
  query: '',
  limit: 100,
  sort: 'desc',
};

/** A link from a log field to a URL or to a trace in another datasource. */
export interface DataLinkConfig {
  field: string;
  /** A URL template; ${__value.raw} is the field's value. */
  url?: string;
  /** The uid of a trace datasource; the field's value is the trace id. */
  datasourceUid?: string;
  label?: string;
}

/** Which store answers queries: the engine inside the plugin, or a remote cluster. */
export type BackendKind = 'embedded' | 'quickwit' | 'victorialogs';

/** Every backend kind, in the order the config editor lists them; absent means embedded. */
export const BACKEND_KINDS: BackendKind[] = ['embedded', 'quickwit', 'victorialogs'];

/** How VictoriaLogs' reserved fields map onto the names dashboards use, and its tenant. */
export interface VictoriaLogsOptions {
  /** The name _time carries in queries and results (default "timestamp"). */
  timestampField?: string;
  /** The name _msg carries in queries and results (default "message"). */
  messageField?: string;
  /** The field logs volume and levels read (default "severity"). */
  levelField?: string;
  /** Fields matched word by word like a tokenized text field (default: the message field). */
  textFields?: string[];
  accountId?: string;
  projectId?: string;
}

/** jsonData of a Triage datasource; the backend's pkg/plugin/settings.go reads the same keys. */
export interface TriageOptions extends DataSourceJsonData {
  /** Absent means embedded. A remote backend reads Grafana's standard url and basicAuth fields. */
  backend?: BackendKind;
  dataDir?: string;
  defaultIndex?: string;
  retention?: string;
  ingestListen?: string;
  messageField?: string;
  levelField?: string;
  dataLinks?: DataLinkConfig[];
  /** Remote backends: TLS, named as Grafana's own HTTP settings name them. */
  tlsSkipVerify?: boolean;
  serverName?: string;
  tlsAuthWithCACert?: boolean;
  tlsAuth?: boolean;
  /** Remote backends: seconds one request may take, retries included (absent: 30). */
  timeout?: number;
  victoriaLogs?: VictoriaLogsOptions;
}

/** secureJsonData: sent to the backend only, never back to the browser. */
export interface TriageSecureOptions {
  ingestToken?: string;
  basicAuthPassword?: string;
  bearerToken?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}

/** The answer of the `validate` resource. */
export interface ValidateResponse {
  valid: boolean;
  error?: { message: string; offset: number; column: number };
}

/** One field of the `fields` resource. */
export interface FieldInfo {
  name: string;
  type: 'text' | 'i64' | 'u64' | 'f64' | 'bool' | 'datetime' | 'ip' | 'json';
  aggregatable: boolean;
}

/** One value of the `values` resource, with its number of events. */
export interface ValueCount {
  value: string;
  count: number;
}

/** One index of the `indexes` resource. */
export interface IndexInfo {
  id: string;
  timestampField: string;
  messageField: string;
  levelField: string;
}
