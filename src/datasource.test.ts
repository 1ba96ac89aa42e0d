import {
  CoreApp,
  createDataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  dateTime,
  FieldType,
  LogRowContextQueryDirection,
  LogRowModel,
  SupplementaryQueryType,
} from '@grafana/data';
import { lastValueFrom, of } from 'rxjs';

import { DataSource } from './datasource';
import { TriageOptions, TriageQuery } from './types';

function newDataSource(): DataSource {
  const settings = {
    id: 1,
    uid: 'triage-uid',
    type: 'triage-logs-datasource',
    name: 'Triage',
    access: 'proxy',
    readOnly: false,
    jsonData: { defaultIndex: 'app' },
    meta: {},
  } as unknown as DataSourceInstanceSettings<TriageOptions>;
  return new DataSource(settings);
}

function request(targets: TriageQuery[]): DataQueryRequest<TriageQuery> {
  const from = dateTime(0);
  const to = dateTime(3600_000);
  return {
    requestId: 'r1',
    app: CoreApp.Explore,
    interval: '1s',
    intervalMs: 1000,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets,
    timezone: 'UTC',
    startTime: 0,
  };
}

describe('filter toggles and query modifications', () => {
  const ds = newDataSource();
  const q = (query: string): TriageQuery => ({ refId: 'A', query });

  it('toggles a filter for on and off', () => {
    const on = ds.toggleQueryFilter(q('timeout'), {
      type: 'FILTER_FOR',
      options: { key: 'service', value: 'payment api' },
    });
    expect(on.query).toBe('timeout AND service:payment\\ api');
    expect(ds.queryHasFilter(on, { key: 'service', value: 'payment api' })).toBe(true);
    const off = ds.toggleQueryFilter(on, { type: 'FILTER_FOR', options: { key: 'service', value: 'payment api' } });
    expect(off.query).toBe('timeout');
    expect(ds.queryHasFilter(off, { key: 'service', value: 'payment api' })).toBe(false);
  });

  it('replaces a filter for by a filter out, and back', () => {
    const out = ds.toggleQueryFilter(q('a OR b AND service:x'), {
      type: 'FILTER_OUT',
      options: { key: 'service', value: 'x' },
    });
    expect(out.query).toBe('(a OR b) AND NOT service:x');
    expect(ds.queryHasFilter(out, { key: 'service', value: 'x' })).toBe(false);
    const back = ds.toggleQueryFilter(out, { type: 'FILTER_FOR', options: { key: 'service', value: 'x' } });
    expect(back.query).toBe('(a OR b) AND service:x');
    const cleared = ds.toggleQueryFilter(q('-service:x'), {
      type: 'FILTER_OUT',
      options: { key: 'service', value: 'x' },
    });
    expect(cleared.query).toBe('');
  });

  it('modifies queries for each supported action', () => {
    expect(ds.getSupportedQueryModifications()).toEqual([
      'ADD_FILTER',
      'ADD_FILTER_OUT',
      'ADD_STRING_FILTER',
      'ADD_STRING_FILTER_OUT',
    ]);
    const opts = { key: 'level', value: 'error' };
    expect(ds.modifyQuery(q(''), { type: 'ADD_FILTER', options: opts }).query).toBe('level:error');
    expect(ds.modifyQuery(q('level:error'), { type: 'ADD_FILTER', options: opts }).query).toBe('level:error');
    expect(ds.modifyQuery(q('level:error x'), { type: 'ADD_FILTER_OUT', options: opts }).query).toBe(
      'x AND NOT level:error'
    );
    expect(ds.modifyQuery(q('*'), { type: 'ADD_STRING_FILTER', options: { value: 'conn "reset"' } }).query).toBe(
      '"conn \\"reset\\""'
    );
    expect(ds.modifyQuery(q('x'), { type: 'ADD_STRING_FILTER_OUT', options: { value: 'boom' } }).query).toBe(
      'x AND NOT "boom"'
    );
    expect(ds.modifyQuery(q('x'), { type: 'ADD_LABEL', options: opts }).query).toBe('x');
  });
});

describe('supplementary queries', () => {
  const ds = newDataSource();

  it('offers logs volume for logs queries and a logs sample for metric queries', () => {
    expect(ds.getSupportedSupplementaryQueryTypes(request([{ refId: 'A', queryType: 'logs' }]))).toEqual([
      SupplementaryQueryType.LogsVolume,
    ]);
    expect(ds.getSupportedSupplementaryQueryTypes(request([{ refId: 'A', queryType: 'timeseries' }]))).toEqual([
      SupplementaryQueryType.LogsSample,
    ]);
    expect(ds.getSupportedSupplementaryQueryTypes(request([{ refId: 'A', queryType: 'fieldValues' }]))).toEqual([]);
  });

  it('builds a logs volume request per level from the logs queries only', () => {
    const req = request([
      { refId: 'A', queryType: 'logs', index: 'app', query: 'severity:error', limit: 10 },
      { refId: 'B', queryType: 'logs', query: 'x', hide: true },
      { refId: 'C', queryType: 'timeseries', query: 'y' },
    ]);
    const vol = ds.getSupplementaryRequest(SupplementaryQueryType.LogsVolume, req);
    expect(vol?.targets).toEqual([
      {
        refId: 'log-volume-A',
        datasource: undefined,
        queryType: 'logsVolume',
        index: 'app',
        query: 'severity:error',
        interval: '$__interval',
      },
    ]);
    expect(vol?.requestId).toBe('r1-LogsVolume');
    const sample = ds.getSupplementaryRequest(SupplementaryQueryType.LogsSample, req, {
      type: SupplementaryQueryType.LogsSample,
      limit: 20,
    });
    expect(sample?.targets.map((t) => [t.refId, t.queryType, t.query, t.limit])).toEqual([
      ['log-sample-C', 'logs', 'y', 20],
    ]);
    expect(
      ds.getSupplementaryRequest(SupplementaryQueryType.LogsVolume, request([{ refId: 'Z', queryType: 'heatmap' }]))
    ).toBe(undefined);
  });
});

describe('log context', () => {
  // Six events: three share the row's millisecond, ordered by their sequence number.
  const t0 = 1_700_000_000_000;
  const frame = createDataFrame({
    fields: [
      { name: 'timestamp', type: FieldType.time, values: [t0 - 2000, t0 - 1000, t0, t0, t0, t0 + 1000] },
      { name: 'body', type: FieldType.string, values: ['a', 'b', 'c', 'row', 'e', 'f'] },
      { name: 'id', type: FieldType.string, values: ['app:1', 'app:2', 'app:3', 'app:4', 'app:5', 'app:6'] },
    ],
  });
  const row = {
    rowIndex: 3,
    dataFrame: frame,
    timeEpochMs: t0,
    timeEpochNs: String(t0) + '000000',
    uid: 'A_3',
  } as unknown as LogRowModel;

  function withResponse(rows: number[]) {
    const ds = newDataSource();
    const sent: Array<DataQueryRequest<TriageQuery>> = [];
    const picked = createDataFrame({
      fields: frame.fields.map((f) => ({ name: f.name, type: f.type, values: rows.map((i) => f.values[i]) })),
    });
    jest.spyOn(ds, 'query').mockImplementation((req) => {
      sent.push(req);
      return of({ data: [picked] } as DataQueryResponse);
    });
    return { ds, sent };
  }

  it('asks for the events strictly before the row in the stable order, newest first', async () => {
    const { ds, sent } = withResponse([2, 1]);
    const res = await ds.getLogRowContext(
      row,
      { direction: LogRowContextQueryDirection.Backward, limit: 2 },
      {
        refId: 'A',
        index: 'app',
        query: 'severity:error',
      }
    );
    expect(res.data[0].fields[1].values).toEqual(['c', 'b']);
    // The row's position: its nanosecond and the sequence number of its id app:4.
    expect(sent[0].targets[0]).toMatchObject({
      queryType: 'logs',
      index: 'app',
      query: '*',
      sort: 'desc',
      limit: 2,
      after: `${t0}000000:4`,
    });
    expect(sent[0].range.to.valueOf()).toBe(t0 + 1);
    expect(sent[0].range.from.valueOf()).toBeLessThan(t0);
  });

  it('asks for the events strictly after the row, oldest first, from its millisecond on', async () => {
    const { ds, sent } = withResponse([4, 5]);
    const res = await ds.getLogRowContext(row, { direction: LogRowContextQueryDirection.Forward, limit: 5 });
    expect(res.data[0].fields[1].values).toEqual(['e', 'f']);
    expect(sent[0].targets[0]).toMatchObject({ sort: 'asc', limit: 5, after: `${t0}000000:4` });
    expect(sent[0].range.from.valueOf()).toBe(t0);
  });

  it('gives Explore the context query for a split view', async () => {
    const ds = newDataSource();
    const q = await ds.getLogRowContextQuery(
      row,
      { direction: LogRowContextQueryDirection.Forward },
      { refId: 'B', index: 'app' }
    );
    expect(q).toMatchObject({
      refId: 'log-context-B',
      queryType: 'logs',
      index: 'app',
      query: '*',
      sort: 'asc',
      after: `${t0}000000:4`,
    });
  });
});

describe('ad hoc keys and values', () => {
  it('lists field names and values narrowed by the other filters and the time range', async () => {
    const ds = newDataSource();
    const getResource = jest
      .spyOn(ds, 'getResource')
      .mockImplementation((path: string) =>
        Promise.resolve(
          path === 'fields'
            ? { fields: [{ name: 'service', type: 'text', aggregatable: true }] }
            : { values: [{ value: 'payment', count: 3 }] }
        )
      );
    expect(await ds.getTagKeys({ filters: [] })).toEqual([{ text: 'service', value: 'service' }]);
    expect(getResource).toHaveBeenLastCalledWith('fields', { index: 'app' });
    const from = dateTime(1000);
    const to = dateTime(2000);
    const values = await ds.getTagValues({
      key: 'service',
      filters: [
        { key: 'service', operator: '=', value: 'old' },
        { key: 'env', operator: '=', value: 'prod' },
      ],
      timeRange: { from, to, raw: { from, to } },
      queries: [{ refId: 'A', index: 'other' }],
    });
    expect(values).toEqual([{ text: 'payment', value: 'payment' }]);
    expect(getResource).toHaveBeenLastCalledWith('values', {
      index: 'other',
      field: 'service',
      query: 'env:prod',
      from: 1000,
      to: 2000,
      limit: 100,
    });
  });
});

describe('queries', () => {
  it('describes queries for the query history', () => {
    const ds = newDataSource();
    expect(ds.getQueryDisplayText({ refId: 'A', query: 'severity:error' })).toBe('logs: severity:error');
    expect(
      ds.getQueryDisplayText({
        refId: 'A',
        queryType: 'timeseries',
        metrics: [{ type: 'count' }, { type: 'percentile', field: 'latency_ms', percent: 99 }],
        groupBy: [{ field: 'service' }],
      })
    ).toBe('timeseries: * count percentile(latency_ms) by service');
  });

  it('marks every target live when Explore streams', async () => {
    const ds = newDataSource();
    const seen: TriageQuery[][] = [];
    const base = Object.getPrototypeOf(DataSource.prototype);
    const spy = jest.spyOn(base, 'query').mockImplementation((req: unknown) => {
      seen.push((req as DataQueryRequest<TriageQuery>).targets);
      return of({ data: [] });
    });
    await lastValueFrom(ds.query({ ...request([{ refId: 'A', query: 'x' }]), liveStreaming: true }));
    await lastValueFrom(ds.query(request([{ refId: 'A', query: 'x' }])));
    expect(seen.map((t) => t[0].live)).toEqual([true, undefined]);
    spy.mockRestore();
  });

  it('runs variable queries as fieldValues queries on the default index', async () => {
    const ds = newDataSource();
    const spy = jest.spyOn(ds, 'query').mockImplementation(() => of({ data: [] }));
    const variables = ds.variables as unknown as {
      query(r: DataQueryRequest<TriageQuery>): ReturnType<DataSource['query']>;
    };
    await lastValueFrom(variables.query(request([{ refId: 'V', field: 'service', query: 'env:$env' }])));
    expect(spy.mock.calls[0][0].targets).toEqual([
      { refId: 'V', field: 'service', query: 'env:$env', queryType: 'fieldValues', index: 'app' },
    ]);
  });

  it('turns annotation queries into annotations queries', () => {
    const ds = newDataSource();
    const prepared = ds.annotations?.prepareQuery?.({
      name: 'deploys',
      enable: true,
      iconColor: 'red',
      target: { refId: '', query: 'event:deploy' },
    });
    expect(prepared).toEqual({ refId: 'Anno', query: 'event:deploy', queryType: 'annotations' });
  });
});
