/**
 * Log context: the events just before or after a row, in the backend's
 * stable order (timestamp, then the per-event sequence number in `id`,
 * formatted "<index>:<seq>"). Several events can share a timestamp, so the
 * context query asks for a little more than needed and drops rows on the
 * wrong side of the row by that order.
 */
import {
  DataFrame,
  dateTime,
  FieldType,
  LogRowContextOptions,
  LogRowContextQueryDirection,
  LogRowModel,
  TimeRange,
} from '@grafana/data';

import { TriageQuery } from '../types';

/** The default number of context rows Grafana asks for. */
export const CONTEXT_LIMIT = 50;
const DEFAULT_WINDOW_MS = 2 * 60 * 60 * 1000;

/** A row's place in the backend's order. */
export interface OrderKey {
  ns: bigint;
  seq: bigint;
}

/** compareKeys orders two rows as the backend does. */
export function compareKeys(a: OrderKey, b: OrderKey): number {
  if (a.ns !== b.ns) {
    return a.ns < b.ns ? -1 : 1;
  }
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

/** seqOf reads the sequence number from an id "<index>:<seq>". */
export function seqOf(id: string | undefined): bigint {
  const m = /:(\d+)$/.exec(id ?? '');
  return m ? BigInt(m[1]) : BigInt(0);
}

/** rowKey is the order key of a LogRowModel. */
export function rowKey(row: LogRowModel): OrderKey {
  const idField = row.dataFrame.fields.find((f) => f.name === 'id');
  const id = idField ? String(idField.values[row.rowIndex]) : row.rowId;
  const ns = /^\d+$/.test(row.timeEpochNs)
    ? BigInt(row.timeEpochNs)
    : BigInt(Math.round(row.timeEpochMs)) * BigInt(1e6);
  return { ns, seq: seqOf(id) };
}

/** contextQuery is the query for the events around row. */
export function contextQuery(
  row: LogRowModel,
  options: LogRowContextOptions | undefined,
  query: TriageQuery | undefined
): TriageQuery {
  const limit = options?.limit ?? CONTEXT_LIMIT;
  const backward =
    (options?.direction ?? LogRowContextQueryDirection.Backward) === LogRowContextQueryDirection.Backward;
  return {
    refId: 'log-context-' + (query?.refId ?? 'A'),
    datasource: query?.datasource,
    queryType: 'logs',
    index: query?.index,
    // Neighbouring events of the whole index, whatever the search matched.
    query: '*',
    // Extra rows cover events sharing the row's timestamp, dropped below.
    limit: limit * 2 + 1,
    sort: backward ? 'desc' : 'asc',
  };
}

/** contextRange is the time range the context query searches. */
export function contextRange(row: LogRowModel, options: LogRowContextOptions | undefined): TimeRange {
  const windowMs = options?.timeWindowMs ?? DEFAULT_WINDOW_MS;
  const backward =
    (options?.direction ?? LogRowContextQueryDirection.Backward) === LogRowContextQueryDirection.Backward;
  const t = row.timeEpochMs;
  const from = dateTime(backward ? t - windowMs : Math.floor(t));
  const to = dateTime(backward ? Math.ceil(t) + 1 : t + windowMs);
  return { from, to, raw: { from, to } };
}

/**
 * trimContext keeps, in each logs frame, the rows strictly before (backward)
 * or after (forward) the row in the stable order, at most limit of them.
 */
export function trimContext(
  frames: DataFrame[],
  row: LogRowModel,
  options: LogRowContextOptions | undefined
): DataFrame[] {
  const key = rowKey(row);
  const limit = options?.limit ?? CONTEXT_LIMIT;
  const backward =
    (options?.direction ?? LogRowContextQueryDirection.Backward) === LogRowContextQueryDirection.Backward;
  return frames.map((frame) => {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const id = frame.fields.find((f) => f.name === 'id');
    if (!time) {
      return frame;
    }
    const keep: number[] = [];
    for (let i = 0; i < frame.length && keep.length < limit; i++) {
      const ms = Number(time.values[i]);
      const ns = BigInt(Math.round(ms)) * BigInt(1e6) + BigInt(time.nanos?.[i] ?? 0);
      const c = compareKeys({ ns, seq: seqOf(id ? String(id.values[i]) : undefined) }, key);
      if (backward ? c < 0 : c > 0) {
        keep.push(i);
      }
    }
    return {
      ...frame,
      length: keep.length,
      fields: frame.fields.map((f) => ({
        ...f,
        values: keep.map((i) => f.values[i]),
        nanos: f.nanos ? keep.map((i) => f.nanos![i]) : undefined,
      })),
    };
  });
}
