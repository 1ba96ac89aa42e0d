import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { DataSourceSettings } from '@grafana/data';

import { TriageOptions, TriageSecureOptions } from '../../types';
import { ConfigEditor } from './ConfigEditor';
import { testIds } from '../testIds';

function settings(jsonData: TriageOptions = {}): DataSourceSettings<TriageOptions, TriageSecureOptions> {
  return {
    id: 1,
    uid: 'triage',
    orgId: 1,
    name: 'Triage',
    typeLogoUrl: '',
    type: 'triage-logs-datasource',
    typeName: 'Triage',
    access: 'proxy',
    url: '',
    user: '',
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- DataSourceSettings still requires it
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData,
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
  };
}

describe('ConfigEditor', () => {
  it.each([
    [testIds.configEditor.dataDir, 'dataDir', '/var/lib/triage'],
    [testIds.configEditor.retention, 'retention', '7d'],
    [testIds.configEditor.defaultIndex, 'defaultIndex', 'app-logs'],
    [testIds.configEditor.ingestListen, 'ingestListen', '0.0.0.0:7280'],
    [testIds.configEditor.messageField, 'messageField', 'body'],
    [testIds.configEditor.levelField, 'levelField', 'level'],
  ])('writes %s into jsonData.%s', (testId, key, value) => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings({ retention: '30d' })} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(testId), { target: { value } });
    expect(onOptionsChange).toHaveBeenCalledTimes(1);
    const next = onOptionsChange.mock.calls[0][0];
    expect(next.jsonData[key]).toBe(value);
    if (key !== 'retention') {
      expect(next.jsonData.retention).toBe('30d');
    }
  });

  it('keeps the ingest token in secureJsonData only', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(testIds.configEditor.ingestToken), { target: { value: 's3cret' } });
    const next = onOptionsChange.mock.calls[0][0];
    expect(next.secureJsonData.ingestToken).toBe('s3cret');
    expect(JSON.stringify(next.jsonData)).not.toContain('s3cret');
  });

  it('shows the default ingest address when none is set', () => {
    render(<ConfigEditor options={settings()} onOptionsChange={jest.fn()} />);
    expect(screen.getByTestId(testIds.configEditor.ingestListen)).toHaveValue('127.0.0.1:7280');
  });

  it('adds a URL data link and edits its field and URL', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.click(screen.getByTestId(testIds.configEditor.addDataLink));
    let next = onOptionsChange.mock.calls[0][0];
    expect(next.jsonData.dataLinks).toEqual([{ field: '', url: '' }]);
    rerender(<ConfigEditor options={next} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(testIds.configEditor.dataLinkField), { target: { value: 'trace_id' } });
    next = onOptionsChange.mock.calls[1][0];
    rerender(<ConfigEditor options={next} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(testIds.configEditor.dataLinkUrl), {
      target: { value: 'https://t.example/${__value.raw}' },
    });
    expect(onOptionsChange.mock.calls[2][0].jsonData.dataLinks).toEqual([
      { field: 'trace_id', url: 'https://t.example/${__value.raw}' },
    ]);
  });

  it('turns a data link into a trace datasource link and removes it', () => {
    const onOptionsChange = jest.fn();
    const options = settings({ dataLinks: [{ field: 'trace_id', url: 'x' }] });
    render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
    fireEvent.click(screen.getByLabelText('Trace datasource'));
    expect(onOptionsChange.mock.calls[0][0].jsonData.dataLinks).toEqual([{ field: 'trace_id', datasourceUid: '' }]);
    fireEvent.click(within(document.body).getByLabelText('Remove data link'));
    expect(onOptionsChange.mock.calls[1][0].jsonData.dataLinks).toEqual([]);
  });
});
