/**
 * Log context: the events just before or after a row, in the backend's
 * stable order (timestamp, then the per-event sequence number in `id`,
 * formatted "<index>:<seq>"). The query carries the row's position as
 * `after`, so the backend returns exactly the rows beyond it, even when many
 * share its millisecond; Grafana's context view asks again from the last row
 * it got (LogRowContextModal's load more), which reaches every row once.
 */
import { dateTime, LogRowContextOptions, LogRowContextQueryDirection, LogRowModel, TimeRange } from '@grafana/data';

import { TriageQuery } from '../types';

/** The default number of context rows Grafana asks for. */
export const CONTEXT_LIMIT = 50;
const DEFAULT_WINDOW_MS = 2 * 60 * 60 * 1000;

/** seqOf reads the sequence number from an id "<index>:<seq>". */
export function seqOf(id: string | undefined): bigint {
  const m = /:(\d+)$/.exec(id ?? '');
  return m ? BigInt(m[1]) : BigInt(0);
}

/** rowPosition is a row's place in the backend's order, "<unix ns>:<seq>", as the model's `after` takes it. */
export function rowPosition(row: LogRowModel): string {
  const idField = row.dataFrame.fields.find((f) => f.name === 'id');
  const id = idField ? String(idField.values[row.rowIndex]) : row.rowId;
  const ns = /^\d+$/.test(row.timeEpochNs)
    ? BigInt(row.timeEpochNs)
    : BigInt(Math.round(row.timeEpochMs)) * BigInt(1e6);
  return `${ns}:${seqOf(id)}`;
}

function isBackward(options: LogRowContextOptions | undefined): boolean {
  return (options?.direction ?? LogRowContextQueryDirection.Backward) === LogRowContextQueryDirection.Backward;
}

/** contextQuery is the query for the events around row. */
export function contextQuery(
  row: LogRowModel,
  options: LogRowContextOptions | undefined,
  query: TriageQuery | undefined
): TriageQuery {
  return {
    refId: 'log-context-' + (query?.refId ?? 'A'),
    datasource: query?.datasource,
    queryType: 'logs',
    index: query?.index,
    // Neighbouring events of the whole index, whatever the search matched.
    query: '*',
    limit: options?.limit ?? CONTEXT_LIMIT,
    sort: isBackward(options) ? 'desc' : 'asc',
    after: rowPosition(row),
  };
}

/** contextRange is the time range the context query searches: the window on the row's side, its millisecond included. */
export function contextRange(row: LogRowModel, options: LogRowContextOptions | undefined): TimeRange {
  const windowMs = options?.timeWindowMs ?? DEFAULT_WINDOW_MS;
  const t = row.timeEpochMs;
  const from = dateTime(isBackward(options) ? t - windowMs : Math.floor(t));
  const to = dateTime(isBackward(options) ? Math.ceil(t) + 1 : t + windowMs);
  return { from, to, raw: { from, to } };
}
