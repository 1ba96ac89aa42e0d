/**
 * Typed calls to the backend's resources (pkg/plugin's CallResource):
 * validate, fields, values and indexes.
 */
import { FieldInfo, IndexInfo, ValidateResponse, ValueCount } from './types';

/** The part of the datasource the resource calls need; editors and tests pass fakes. */
export interface ResourceClient {
  getResource<T>(path: string, params?: Record<string, string | number>): Promise<T>;
}

/** validateQuery asks the backend's parser about text; variables are accepted as values. */
export function validateQuery(client: ResourceClient, text: string): Promise<ValidateResponse> {
  return client.getResource<ValidateResponse>('validate', { query: text, variables: 'allow' });
}

/** listFields lists the fields of an index, for completion and ad hoc keys. */
export async function listFields(client: ResourceClient, index: string): Promise<FieldInfo[]> {
  const res = await client.getResource<{ fields?: FieldInfo[] }>('fields', { index });
  return res.fields ?? [];
}

/** What a values lookup is narrowed by. */
export interface ValuesParams {
  index: string;
  field: string;
  prefix?: string;
  /** A filter query; only events matching it are counted. */
  query?: string;
  from?: number;
  to?: number;
  limit?: number;
}

/** listValues lists a field's most frequent values, for ad hoc values and completion. */
export async function listValues(client: ResourceClient, p: ValuesParams): Promise<ValueCount[]> {
  const params: Record<string, string | number> = { index: p.index, field: p.field };
  for (const key of ['prefix', 'query', 'from', 'to', 'limit'] as const) {
    const v = p[key];
    if (v !== undefined && v !== '') {
      params[key] = v;
    }
  }
  const res = await client.getResource<{ values?: ValueCount[] }>('values', params);
  return res.values ?? [];
}

/** listIndexes lists the datasource's indexes. */
export async function listIndexes(client: ResourceClient): Promise<IndexInfo[]> {
  const res = await client.getResource<{ indexes?: IndexInfo[] }>('indexes');
  return res.indexes ?? [];
}
