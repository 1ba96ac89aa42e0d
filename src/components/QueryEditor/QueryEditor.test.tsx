import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';

import { DataSource } from '../../datasource';
import { FakeBackend, fakeValidate } from '../../testing/fakeBackend';
import { TriageQuery } from '../../types';
import { testIds } from '../testIds';
import { QueryEditor } from './QueryEditor';
import { VALIDATE_DELAY_MS } from './useValidation';

function renderEditor(query: TriageQuery, backend = new FakeBackend()) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const datasource = backend as unknown as DataSource;
  const view = render(
    <QueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />
  );
  const rerender = (q: TriageQuery) =>
    view.rerender(<QueryEditor datasource={datasource} query={q} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery, backend, rerender };
}

async function flushValidation() {
  await act(async () => {
    jest.advanceTimersByTime(VALIDATE_DELAY_MS);
  });
  await act(async () => {
    await Promise.resolve();
  });
}

describe('QueryEditor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('edits the query text and runs it on blur', async () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'A', queryType: 'logs', query: '' });
    const input = screen.getByTestId(testIds.queryEditor.query);
    fireEvent.change(input, { target: { value: 'severity:error AND service:$service' } });
    expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ query: 'severity:error AND service:$service' }));
    fireEvent.blur(input);
    expect(onRunQuery).toHaveBeenCalled();
    await flushValidation();
  });

  it('highlights fields, keywords, phrases and variables', async () => {
    renderEditor({ refId: 'A', query: 'service:$service AND message:"conn reset"' });
    const layer = screen.getByTestId(testIds.queryEditor.highlight);
    const classOf = (text: string) => within(layer).getByText(text).className;
    expect(classOf('service:')).toBe(classOf('message:'));
    expect(classOf('$service')).not.toBe(classOf('service:'));
    expect(classOf('AND')).not.toBe(classOf('$service'));
    expect(classOf('"conn reset"')).not.toBe(classOf('AND'));
    expect(layer.textContent).toBe('service:$service AND message:"conn reset"\n');
    await flushValidation();
  });

  it('validates after typing pauses and marks the error where the backend puts it', async () => {
    const text = 'service:$service AND 🚀 message:"conn reset';
    const { backend } = renderEditor({ refId: 'A', query: text });
    expect(screen.queryByTestId(testIds.queryEditor.errorMark)).toBeNull();
    expect(backend.calls.filter((c) => c.path === 'validate')).toHaveLength(0);
    await flushValidation();
    expect(backend.calls.filter((c) => c.path === 'validate')).toEqual([
      { path: 'validate', params: { query: text, variables: 'allow' } },
    ]);
    const mark = screen.getByTestId(testIds.queryEditor.errorMark);
    // The rocket is one rune but two UTF-16 units: the column must not be used as an index.
    expect(Number(mark.dataset.offset)).toBe(text.indexOf('"'));
    expect(mark.textContent).toBe('"');
    const error = fakeValidate(text).error!;
    expect(screen.getByTestId(testIds.queryEditor.error)).toHaveTextContent(
      `${error.message} (column ${error.column})`
    );
  });

  it('marks a missing value at the end of the text', async () => {
    renderEditor({ refId: 'A', query: 'severity:' });
    await flushValidation();
    expect(Number(screen.getByTestId(testIds.queryEditor.errorMark).dataset.offset)).toBe('severity:'.length);
  });

  it('drops the error once the text is valid and ignores stale answers', async () => {
    const { rerender } = renderEditor({ refId: 'A', query: 'a:"x' });
    await flushValidation();
    expect(screen.getByTestId(testIds.queryEditor.errorMark)).toBeInTheDocument();
    rerender({ refId: 'A', query: 'a:"x"' });
    expect(screen.queryByTestId(testIds.queryEditor.errorMark)).toBeNull();
    await flushValidation();
    expect(screen.queryByTestId(testIds.queryEditor.error)).toBeNull();
  });

  it('completes field names from the fields resource', async () => {
    const { onChange, backend } = renderEditor({ refId: 'A', query: 'sev' });
    await flushValidation();
    expect(backend.calls).toContainEqual({ path: 'fields', params: { index: 'logs' } });
    const input = screen.getByTestId(testIds.queryEditor.query) as HTMLTextAreaElement;
    input.setSelectionRange(3, 3);
    fireEvent.click(input);
    const list = screen.getByTestId(testIds.queryEditor.suggestions);
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent)
    ).toEqual(['severity']);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ query: 'severity:' }));
  });

  it('parses the limit as a number and clears it when empty', async () => {
    const { onChange } = renderEditor({ refId: 'A', queryType: 'logs', limit: 100 });
    const input = screen.getByTestId(testIds.queryEditor.limit);
    fireEvent.change(input, { target: { value: '250' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: 250 }));
    fireEvent.change(input, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: undefined }));
    await flushValidation();
  });

  it('switches sort, query type and live, running the query each time', async () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'A', queryType: 'logs' });
    fireEvent.click(within(screen.getByTestId(testIds.queryEditor.sort)).getByLabelText('Oldest first'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'asc' }));
    fireEvent.click(within(screen.getByTestId(testIds.queryEditor.queryType)).getByLabelText('Time series'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: 'timeseries' }));
    fireEvent.click(screen.getByTestId(testIds.queryEditor.live));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ live: true }));
    expect(onRunQuery).toHaveBeenCalledTimes(3);
    await flushValidation();
  });

  it('builds timeseries metrics, group by and interval', async () => {
    const { onChange } = renderEditor({
      refId: 'A',
      queryType: 'timeseries',
      metrics: [{ type: 'percentile', field: 'latency_ms', percent: 99 }],
      groupBy: [{ field: 'service', size: 10 }],
    });
    fireEvent.change(screen.getByTestId(testIds.queryEditor.metricPercent), { target: { value: '95' } });
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ metrics: [{ type: 'percentile', field: 'latency_ms', percent: 95 }] })
    );
    fireEvent.click(screen.getByTestId(testIds.queryEditor.addMetric));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({
        metrics: [{ type: 'percentile', field: 'latency_ms', percent: 99 }, { type: 'count' }],
      })
    );
    fireEvent.change(screen.getByTestId(testIds.queryEditor.groupBySize), { target: { value: '5' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: [{ field: 'service', size: 5 }] }));
    fireEvent.change(screen.getByTestId(testIds.queryEditor.interval), { target: { value: '$__interval' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ interval: '$__interval' }));
    await flushValidation();
  });

  it('builds heatmap buckets from a list of bounds', async () => {
    const { onChange } = renderEditor({
      refId: 'A',
      queryType: 'heatmap',
      heatmap: { field: 'latency_ms', buckets: [10] },
    });
    const input = screen.getByTestId(testIds.queryEditor.heatmapBuckets);
    fireEvent.change(input, { target: { value: '500, 10 50,100' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ heatmap: { field: 'latency_ms', buckets: [10, 50, 100, 500] } })
    );
    const calls = onChange.mock.calls.length;
    fireEvent.change(input, { target: { value: '10, fast' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenCalledTimes(calls);
    expect(screen.getByText(/"10, fast" is not a list of numbers/)).toBeInTheDocument();
    await flushValidation();
  });
});
