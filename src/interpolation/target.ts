/**
 * Interpolation of a whole Triage query: the query text by context, the
 * other string fields with plain formatting, then the ad hoc filters.
 */
import { AdHocVariableFilter, ScopedVars } from '@grafana/data';

import { applyAdhocFilters } from '../adhoc';
import { TriageQuery } from '../types';
import { interpolatePlain, interpolateQuery } from './interpolate';

/** interpolateTarget returns query with every variable replaced and the filters applied. */
export function interpolateTarget(
  query: TriageQuery,
  scopedVars: ScopedVars | undefined,
  filters?: AdHocVariableFilter[]
): TriageQuery {
  const plain = (s: string | undefined) => (s === undefined ? undefined : interpolatePlain(s, scopedVars));
  const out: TriageQuery = {
    ...query,
    query: applyAdhocFilters(interpolateQuery(query.query ?? '', scopedVars), filters),
  };
  if (query.index !== undefined) {
    out.index = plain(query.index);
  }
  if (query.interval !== undefined) {
    out.interval = plain(query.interval);
  }
  if (query.field !== undefined) {
    out.field = plain(query.field);
  }
  if (query.metrics) {
    out.metrics = query.metrics.map((m) => ({ ...m, field: plain(m.field) }));
  }
  if (query.groupBy) {
    out.groupBy = query.groupBy.map((g) => ({ ...g, field: plain(g.field) ?? g.field }));
  }
  if (query.heatmap) {
    out.heatmap = { ...query.heatmap, field: plain(query.heatmap.field) ?? query.heatmap.field };
  }
  return out;
}
