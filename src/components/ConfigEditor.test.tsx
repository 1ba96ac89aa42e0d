import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { DataSourceSettings } from '@grafana/data';

import { TriageOptions, TriageSecureOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';
import { testIds } from './testIds';

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
});
