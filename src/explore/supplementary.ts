/**
 * Explore's supplementary queries: the logs volume histogram above a logs
 * query, and a logs sample under a metrics query. Explore runs the returned
 * request itself.
 */
import { DataQueryRequest, SupplementaryQueryOptions, SupplementaryQueryType } from '@grafana/data';

import { TriageQuery } from '../types';

/** The supplementary types Triage answers. */
export const SUPPLEMENTARY_TYPES = [SupplementaryQueryType.LogsVolume, SupplementaryQueryType.LogsSample];

const SAMPLE_LIMIT = 100;

/** supplementaryQuery derives the logs volume or logs sample query from query, or undefined. */
export function supplementaryQuery(options: SupplementaryQueryOptions, query: TriageQuery): TriageQuery | undefined {
  if (query.hide) {
    return undefined;
  }
  const type = query.queryType ?? 'logs';
  switch (options.type) {
    case SupplementaryQueryType.LogsVolume:
      if (type !== 'logs') {
        return undefined;
      }
      // One series per level; the backend reads the level field from the index.
      return {
        refId: 'log-volume-' + query.refId,
        datasource: query.datasource,
        queryType: 'logsVolume',
        index: query.index,
        query: query.query,
        interval: '$__interval',
      };
    case SupplementaryQueryType.LogsSample:
      if (type !== 'timeseries' && type !== 'heatmap') {
        return undefined;
      }
      return {
        refId: 'log-sample-' + query.refId,
        datasource: query.datasource,
        queryType: 'logs',
        index: query.index,
        query: query.query,
        limit: options.limit ?? SAMPLE_LIMIT,
        sort: 'desc',
      };
  }
  return undefined;
}

/** supplementaryRequest is request with its targets replaced by their supplementary queries. */
export function supplementaryRequest(
  type: SupplementaryQueryType,
  request: DataQueryRequest<TriageQuery>,
  options?: SupplementaryQueryOptions
): DataQueryRequest<TriageQuery> | undefined {
  const opts: SupplementaryQueryOptions = options ?? { type };
  const targets = request.targets
    .map((t) => supplementaryQuery(opts, t))
    .filter((t): t is TriageQuery => t !== undefined);
  if (targets.length === 0) {
    return undefined;
  }
  return { ...request, requestId: request.requestId + '-' + type, targets, liveStreaming: false };
}

/** supportedTypes lists the supplementary types that apply to request (all when there is none). */
export function supportedTypes(request?: DataQueryRequest<TriageQuery>): SupplementaryQueryType[] {
  if (!request) {
    return SUPPLEMENTARY_TYPES;
  }
  return SUPPLEMENTARY_TYPES.filter((type) => request.targets.some((t) => supplementaryQuery({ type }, t)));
}
