/**
 * Live tail judged by Grafana's own code: the exchange recorded from the
 * real plugin (test/live_tail_test.go writes testdata/live-tail.json) goes
 * through our DataSource.query and @grafana/runtime's DataSourceWithBackend
 * (which turns a frame with meta.channel into a Grafana Live data stream
 * with its standard stream options), then through @grafana/data's
 * StreamingDataFrame the way Grafana Live buffers it:
 * public/app/features/live/centrifuge/LiveDataStream.ts (server-side buffer:
 * push the first frame, then every packet; a subscriber gets a full frame,
 * then new values while the schema stays the same),
 * public/app/features/live/centrifuge/service.ts (its default buffer
 * options) and public/app/features/live/live.ts (getDataStream: deserialize
 * a full frame, pushNewValues otherwise).
 */
import {
  DataFrame,
  DataFrameJSON,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  dateTime,
  FieldType,
  hasLogsContextSupport,
  LiveChannelAddress,
  LoadingState,
  StreamingDataFrame,
  StreamingFrameAction,
  StreamingFrameOptions,
} from '@grafana/data';
import { BackendSrv, GrafanaLiveSrv, setBackendSrv, setGrafanaLiveSrv } from '@grafana/runtime';
import { readFileSync } from 'fs';
import { join } from 'path';
import { lastValueFrom, Observable, toArray } from 'rxjs';

import { DataSource } from '../datasource';
import { installSceneVariables } from '../interpolation/sceneTemplateSrv';
import { TriageOptions, TriageQuery } from '../types';
import { rowPosition } from './logContext';

interface Recording {
  request: { refId: string; model: TriageQuery; fromMs: number; toMs: number; maxDataPoints: number };
  ingested: string[];
  firstFrame: DataFrameJSON;
  packets: DataFrameJSON[];
}

const recordingText = readFileSync(join(__dirname, 'testdata', 'live-tail.json'), 'utf8');
const recording: Recording = JSON.parse(recordingText);
/** A fresh copy per run: the buffer appends into the arrays it is given. */
const freshRecording = (): Recording => JSON.parse(recordingText);

/** CentrifugeService's defaultStreamingFrameOptions (public/app/features/live/centrifuge/service.ts). */
const LIVE_DEFAULT_BUFFER: StreamingFrameOptions = {
  maxLength: 100,
  maxDelta: Infinity,
  action: StreamingFrameAction.Append,
};

/** What Grafana Live does with one data stream, step by step. */
interface Replay {
  /** The buffer options and first frame DataSourceWithBackend handed to Grafana Live. */
  buffer?: Partial<StreamingFrameOptions>;
  addr?: LiveChannelAddress;
  /** The subscriber's frame after the first frame and after each packet. */
  seen: DataFrame[];
  /** What a subscriber joining after the last packet gets (another panel, a resubscribe). */
  late?: DataFrame;
}

function replayLive(replay: Replay, packets: DataFrameJSON[]): GrafanaLiveSrv {
  return {
    getDataStream: (options: {
      addr: LiveChannelAddress;
      buffer?: Partial<StreamingFrameOptions>;
      frame?: DataFrameJSON;
    }) => {
      replay.addr = options.addr;
      replay.buffer = options.buffer;
      return new Observable<DataQueryResponse>((subscriber) => {
        // LiveDataStream: one server-side buffer per channel, sized for its subscribers.
        const server = StreamingDataFrame.empty(LIVE_DEFAULT_BUFFER);
        const buffer = StreamingDataFrame.empty(options.buffer).getOptions();
        if (server.needsResizing(buffer)) {
          server.resize(buffer);
        }
        server.push(options.frame!);
        // The subscriber: the first message is a full frame.
        let frame = StreamingDataFrame.deserialize(server.serialize(undefined, buffer));
        const emit = () => {
          // A copy: the subscriber's frame is appended to in place.
          replay.seen.push({
            refId: frame.refId,
            meta: frame.meta,
            length: frame.length,
            fields: frame.fields.map((f) => ({ ...f, values: [...f.values] })),
          });
          subscriber.next({ data: [frame], state: LoadingState.Streaming });
        };
        emit();
        for (const packet of packets) {
          const info = server.push(packet);
          if (info.schemaChanged) {
            frame = StreamingDataFrame.deserialize(server.serialize(undefined, buffer));
          } else {
            frame.pushNewValues(server.getValuesFromLastPacket());
          }
          emit();
        }
        replay.late = StreamingDataFrame.deserialize(server.serialize(undefined, buffer));
        subscriber.complete();
      });
    },
  } as unknown as GrafanaLiveSrv;
}

function newDataSource(): DataSource {
  return new DataSource({
    id: 1,
    uid: 'triage-live',
    type: 'triage-logs-datasource',
    name: 'Triage',
    access: 'proxy',
    readOnly: false,
    jsonData: {},
    meta: {},
  } as unknown as DataSourceInstanceSettings<TriageOptions>);
}

/** Explore's live tail request: the Live button sets liveStreaming; the range ends at now. */
function liveRequest(): DataQueryRequest<TriageQuery> {
  const { refId, model, fromMs, toMs, maxDataPoints } = recording.request;
  const from = dateTime(fromMs);
  const to = dateTime(toMs);
  const { live: _live, ...target } = model;
  return {
    requestId: 'explore-live',
    app: 'explore',
    interval: '1s',
    intervalMs: 1000,
    maxDataPoints,
    range: { from, to, raw: { from: 'now-1h', to: 'now' } },
    rangeRaw: { from: 'now-1h', to: 'now' },
    scopedVars: {},
    targets: [{ ...target, refId }],
    timezone: 'UTC',
    startTime: 0,
    liveStreaming: true,
  } as DataQueryRequest<TriageQuery>;
}

async function runLiveTail(): Promise<{ replay: Replay; sent: unknown[] }> {
  const { firstFrame, packets } = freshRecording();
  installSceneVariables({});
  const sent: unknown[] = [];
  setBackendSrv({
    fetch: (options: { data: unknown }) => {
      sent.push(options.data);
      return new Observable((s) => {
        s.next({ data: { results: { [recording.request.refId]: { frames: [firstFrame] } } }, status: 200 });
        s.complete();
      });
    },
  } as unknown as BackendSrv);
  const replay: Replay = { seen: [] };
  setGrafanaLiveSrv(replayLive(replay, packets));
  await lastValueFrom(newDataSource().query(liveRequest()).pipe(toArray()));
  return { replay, sent };
}

const values = (f: DataFrame, name: string) => f.fields.find((x) => x.name === name)!.values as unknown[];

describe('live tail through Grafana Live and StreamingDataFrame', () => {
  it('asks the backend for a live query and streams its channel with the standard options', async () => {
    const { replay, sent } = await runLiveTail();
    expect((sent[0] as { queries: TriageQuery[] }).queries[0]).toMatchObject({ refId: 'A', live: true });
    expect(replay.addr).toMatchObject({ scope: 'ds', path: expect.stringMatching(/^tail\/[0-9a-f]{16}$/) });
    // DataSourceWithBackend's standardStreamOptionsProvider: the panel's points, and the range's width when it ends now.
    expect(replay.buffer).toMatchObject({
      maxLength: recording.request.maxDataPoints,
      action: StreamingFrameAction.Append,
    });
    expect(replay.buffer?.maxDelta).toBe(recording.request.toMs - recording.request.fromMs);
  });

  it('keeps the query’s refId and meta.custom after every packet, for subscribers old and new', async () => {
    const { replay } = await runLiveTail();
    const first = recording.firstFrame.schema!;
    const want = { limit: first.meta!.custom!.limit, searchWords: first.meta!.custom!.searchWords };
    expect(want.searchWords.length).toBeGreaterThan(0);
    for (const frame of [...replay.seen, replay.late!]) {
      expect(frame.refId).toBe('A');
      expect(frame.meta?.type).toBe('log-lines');
      expect(frame.meta?.custom).toMatchObject(want);
      expect(frame.meta?.preferredVisualisationType).toBe('logs');
    }
  });

  it('shows every row once, oldest first, and trims the oldest rows to the panel’s size', async () => {
    const { replay } = await runLiveTail();
    const maxLength = recording.request.maxDataPoints;
    const all = [recording.firstFrame, ...recording.packets];
    const ids = all.flatMap(
      (f) => (f.data?.values[f.schema!.fields.findIndex((x) => x.name === 'id')] ?? []) as string[]
    );
    expect(new Set(ids).size).toBe(ids.length);
    // Every matching row came, in the first frame or a packet, once; only the
    // oldest error before the query is left out, by the query's limit of 4.
    const bodies = all.flatMap(
      (f) => (f.data?.values[f.schema!.fields.findIndex((x) => x.name === 'body')] ?? []) as string[]
    );
    const errors = recording.ingested.filter((m) => !/info|viewed/.test(m) && m !== 'card declined 1');
    expect(recording.request.model.limit).toBe(4);
    expect([...bodies].sort()).toEqual([...errors].sort());
    expect(bodies.length).toBeGreaterThan(maxLength);

    // The buffer appends each packet and trims from the front: after every
    // step it holds the newest rows in the order they were sent. The first
    // frame and every packet are oldest-first, so that is time order, but
    // for a row ingested late with an older timestamp, kept where it came.
    const sent = all.map((f) => f.data!.values[f.schema!.fields.findIndex((x) => x.name === 'body')] as string[]);
    let count = 0;
    replay.seen.forEach((frame, step) => {
      count += sent[step].length;
      const sentSoFar = sent.slice(0, step + 1).flat();
      expect(values(frame, 'body')).toEqual(sentSoFar.slice(Math.max(0, count - maxLength)));
      const times = values(frame, 'timestamp') as number[];
      const bodies = values(frame, 'body') as string[];
      times.forEach((t, i) => {
        if (i > 0 && t < times[i - 1]) {
          expect(bodies[i]).toBe('late error');
        }
      });
    });
    for (const f of all) {
      const t = f.data!.values[0] as number[];
      expect(t).toEqual([...t].sort((a, b) => a - b));
    }
    const last = replay.seen[replay.seen.length - 1];
    expect(last.length).toBe(maxLength);
    expect(new Set(values(last, 'id')).size).toBe(last.length);
    // The first frame's newest row is what the panel shows last, not trimmed first.
    const firstBodies = recording.firstFrame.data!.values[1] as string[];
    expect(values(replay.seen[0], 'body').slice(-1)).toEqual(firstBodies.slice(-1));
  });

  it('keeps what "Show context" and log details need on streamed rows', async () => {
    const { replay } = await runLiveTail();
    const frame = replay.late!;
    const ds = newDataSource();
    // LogsPanel.showContextToggle: the row's frame has a refId whose query's datasource supports log context.
    expect(frame.refId).toBe(liveRequest().targets[0].refId);
    expect(hasLogsContextSupport(ds)).toBe(true);
    // Our context query reads the row's position from its id.
    const row = frame.length - 1;
    const ms = (values(frame, 'timestamp') as number[])[row];
    const position = rowPosition({
      dataFrame: frame,
      rowIndex: row,
      timeEpochMs: ms,
      timeEpochNs: String(ms) + '000000',
    } as Parameters<typeof rowPosition>[0]);
    expect(position).toMatch(/^\d+:\d+$/);
    expect(position.endsWith(':' + String(values(frame, 'id')[row]).split(':').pop())).toBe(true);
    // The link's helper bounds stay hidden from log details (config.custom.hidden survives the buffer).
    for (const name of ['context_from_ms', 'context_to_ms']) {
      const f = frame.fields.find((x) => x.name === name)!;
      expect(f.config.custom?.hidden).toBe(true);
      expect(f.type).toBe(FieldType.string);
    }
  });
});
