import {
  AdHocVariableFilter,
  AnnotationQuery,
  CoreApp,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceGetTagKeysOptions,
  DataSourceGetTagValuesOptions,
  DataSourceInstanceSettings,
  DataSourceWithLogsContextSupport,
  DataSourceWithQueryModificationSupport,
  DataSourceWithSupplementaryQueriesSupport,
  DataSourceWithToggleableQueryFiltersSupport,
  dateTime,
  LogRowContextOptions,
  LogRowModel,
  MetricFindValue,
  QueryFilterOptions,
  QueryFixAction,
  ScopedVars,
  SupplementaryQueryOptions,
  SupplementaryQueryType,
  ToggleFilterAction,
} from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';
import { lastValueFrom, Observable } from 'rxjs';

import { applyAdhocFilters } from './adhoc';
import { contextQuery, contextRange } from './explore/logContext';
import { addClause, fieldClause, hasClause, phraseClause, removeClause } from './explore/queryFilters';
import { supplementaryQuery, supplementaryRequest, supportedTypes } from './explore/supplementary';
import { interpolateTarget } from './interpolation/target';
import { listFields, listValues } from './resources';
import { DEFAULT_QUERY, TriageOptions, TriageQuery } from './types';
import { TriageVariableSupport } from './variables/TriageVariableSupport';

/** The query modifications Explore may ask for (modifyQuery). */
export const QUERY_MODIFICATIONS = ['ADD_FILTER', 'ADD_FILTER_OUT', 'ADD_STRING_FILTER', 'ADD_STRING_FILTER_OUT'];

const TAG_VALUES_LIMIT = 100;

/** The Triage datasource: queries and resources go to the Go backend; this class only shapes them. */
export class DataSource
  extends DataSourceWithBackend<TriageQuery, TriageOptions>
  implements
    DataSourceWithSupplementaryQueriesSupport<TriageQuery>,
    DataSourceWithLogsContextSupport<TriageQuery>,
    DataSourceWithToggleableQueryFiltersSupport<TriageQuery>,
    DataSourceWithQueryModificationSupport<TriageQuery>
{
  readonly defaultIndex: string;

  constructor(instanceSettings: DataSourceInstanceSettings<TriageOptions>) {
    super(instanceSettings);
    this.defaultIndex = instanceSettings.jsonData?.defaultIndex || 'logs';
    this.variables = new TriageVariableSupport(this);
    this.annotations = {
      prepareAnnotation: (anno: AnnotationQuery<TriageQuery>) => anno,
      prepareQuery: (anno: AnnotationQuery<TriageQuery>) =>
        anno.target ? { ...anno.target, queryType: 'annotations', refId: anno.target.refId || 'Anno' } : undefined,
    };
  }

  getDefaultQuery(_: CoreApp): Partial<TriageQuery> {
    return { ...DEFAULT_QUERY, index: this.defaultIndex };
  }

  /** Live tail: Explore's Live button sets liveStreaming; the backend answers with a Grafana Live channel. */
  query(request: DataQueryRequest<TriageQuery>): Observable<DataQueryResponse> {
    if (!request.liveStreaming) {
      return super.query(request);
    }
    return super.query({ ...request, targets: request.targets.map((t) => ({ ...t, live: true })) });
  }

  applyTemplateVariables(query: TriageQuery, scopedVars: ScopedVars, filters?: AdHocVariableFilter[]): TriageQuery {
    return interpolateTarget(query, scopedVars, filters);
  }

  interpolateVariablesInQueries(
    queries: TriageQuery[],
    scopedVars: ScopedVars,
    filters?: AdHocVariableFilter[]
  ): TriageQuery[] {
    return queries.map((q) => ({ ...this.applyTemplateVariables(q, scopedVars, filters), datasource: this.getRef() }));
  }

  filterQuery(query: TriageQuery): boolean {
    return !query.hide;
  }

  getQueryDisplayText(query: TriageQuery): string {
    const type = query.queryType ?? 'logs';
    const parts = [query.query?.trim() || '*'];
    if (type === 'timeseries') {
      parts.push(...(query.metrics ?? [{ type: 'count' }]).map((m) => (m.field ? `${m.type}(${m.field})` : m.type)));
      parts.push(...(query.groupBy ?? []).map((g) => `by ${g.field}`));
    }
    if (type === 'fieldValues' && query.field) {
      parts.push(`values of ${query.field}`);
    }
    return `${type}: ${parts.join(' ')}`;
  }

  // Ad hoc filters.

  async getTagKeys(options?: DataSourceGetTagKeysOptions<TriageQuery>): Promise<MetricFindValue[]> {
    const fields = await listFields(this, this.indexOf(options?.queries));
    return fields.map((f) => ({ text: f.name, value: f.name }));
  }

  async getTagValues(options: DataSourceGetTagValuesOptions<TriageQuery>): Promise<MetricFindValue[]> {
    const others = (options.filters ?? []).filter((f) => f.key !== options.key);
    const values = await listValues(this, {
      index: this.indexOf(options.queries),
      field: options.key,
      query: applyAdhocFilters('', others),
      from: options.timeRange?.from.valueOf(),
      to: options.timeRange?.to.valueOf(),
      limit: TAG_VALUES_LIMIT,
    });
    return values.map((v) => ({ text: v.value, value: v.value }));
  }

  private indexOf(queries: TriageQuery[] | undefined): string {
    return queries?.find((q) => q.index)?.index || this.defaultIndex;
  }

  // Explore: logs volume and logs sample.

  getSupportedSupplementaryQueryTypes(request?: DataQueryRequest<TriageQuery>): SupplementaryQueryType[] {
    return supportedTypes(request);
  }

  getSupplementaryRequest(
    type: SupplementaryQueryType,
    request: DataQueryRequest<TriageQuery>,
    options?: SupplementaryQueryOptions
  ): DataQueryRequest<TriageQuery> | undefined {
    return supplementaryRequest(type, request, options);
  }

  getSupplementaryQuery(options: SupplementaryQueryOptions, query: TriageQuery): TriageQuery | undefined {
    return supplementaryQuery(options, query);
  }

  // Explore: log context.

  async getLogRowContext(
    row: LogRowModel,
    options?: LogRowContextOptions,
    query?: TriageQuery
  ): Promise<DataQueryResponse> {
    const target = contextQuery(row, options, query);
    const range = contextRange(row, options);
    const request: DataQueryRequest<TriageQuery> = {
      requestId: 'log-context-' + row.uid,
      app: CoreApp.Explore,
      interval: '1s',
      intervalMs: 1000,
      range,
      scopedVars: options?.scopedVars ?? {},
      targets: [target],
      timezone: 'UTC',
      startTime: dateTime().valueOf(),
    };
    return lastValueFrom(this.query(request));
  }

  async getLogRowContextQuery(
    row: LogRowModel,
    options?: LogRowContextOptions,
    query?: TriageQuery
  ): Promise<TriageQuery> {
    return contextQuery(row, options, query);
  }

  // Explore: filter for / filter out and query modifications.

  toggleQueryFilter(query: TriageQuery, filter: ToggleFilterAction): TriageQuery {
    const key = filter.options.key;
    const value = filter.options.value;
    const clause = fieldClause(key, value);
    let text = query.query ?? '';
    if (filter.type === 'FILTER_FOR') {
      if (hasClause(text, clause)) {
        return { ...query, query: removeClause(text, clause) };
      }
      text = removeClause(text, clause, true);
      return { ...query, query: addClause(text, clause) };
    }
    if (hasClause(text, clause, true)) {
      return { ...query, query: removeClause(text, clause, true) };
    }
    text = removeClause(text, clause);
    return { ...query, query: addClause(text, 'NOT ' + clause) };
  }

  queryHasFilter(query: TriageQuery, filter: QueryFilterOptions): boolean {
    return hasClause(query.query ?? '', fieldClause(filter.key, filter.value));
  }

  modifyQuery(query: TriageQuery, action: QueryFixAction): TriageQuery {
    const text = query.query ?? '';
    const o = action.options ?? {};
    switch (action.type) {
      case 'ADD_FILTER':
      case 'ADD_FILTER_OUT': {
        if (o.key === undefined || o.value === undefined) {
          return query;
        }
        const negated = action.type === 'ADD_FILTER_OUT';
        const clause = fieldClause(o.key, o.value);
        if (hasClause(text, clause, negated)) {
          return query;
        }
        const without = removeClause(text, clause, !negated);
        return { ...query, query: addClause(without, (negated ? 'NOT ' : '') + clause) };
      }
      case 'ADD_STRING_FILTER':
      case 'ADD_STRING_FILTER_OUT': {
        if (!o.value) {
          return query;
        }
        const clause = phraseClause(o.value);
        return { ...query, query: addClause(text, (action.type === 'ADD_STRING_FILTER_OUT' ? 'NOT ' : '') + clause) };
      }
    }
    return query;
  }

  getSupportedQueryModifications(): string[] {
    return QUERY_MODIFICATIONS;
  }
}
