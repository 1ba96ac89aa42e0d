import React, { useState } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { DataSourceSettings } from '@grafana/data';

import { BackendKind, TriageOptions, TriageSecureOptions } from '../../types';
import { ConfigEditor } from './ConfigEditor';
import { testIds } from '../testIds';

type Settings = DataSourceSettings<TriageOptions, TriageSecureOptions>;

function settings(jsonData: TriageOptions = {}, extra: Partial<Settings> = {}): Settings {
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
    ...extra,
  };
}

/**
 * renderLive renders the editor as Grafana does: each change becomes the next options, so a test
 * can click through a flow. last() is the latest options the editor handed back.
 */
function renderLive(initial: Settings) {
  const onOptionsChange = jest.fn<void, [Settings]>();
  function Live() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          setOptions(next);
          onOptionsChange(next);
        }}
      />
    );
  }
  render(<Live />);
  const last = () => {
    expect(onOptionsChange).toHaveBeenCalled();
    return onOptionsChange.mock.calls[onOptionsChange.mock.calls.length - 1][0];
  };
  return { onOptionsChange, last };
}

const ids = testIds.configEditor;

function chooseBackend(label: string) {
  fireEvent.click(within(screen.getByTestId(ids.backend)).getByLabelText(label));
}

function chooseAuth(label: string) {
  fireEvent.click(within(screen.getByTestId(ids.authMode)).getByLabelText(label));
}

/** expectSecretOnlyIn fails when a secret's value shows anywhere but secureJsonData. */
function expectSecretOnlyIn(next: Settings, key: keyof TriageSecureOptions, value: string) {
  expect(next.secureJsonData?.[key]).toBe(value);
  expect(JSON.stringify({ ...next, secureJsonData: undefined })).not.toContain(value);
}

const embeddedOnly = [ids.dataDir, ids.retention, ids.ingestListen, ids.ingestToken];
const remoteOnly = [
  ids.url,
  ids.timeout,
  ids.authMode,
  ids.tlsSkipVerify,
  ids.serverName,
  ids.tlsAuthWithCACert,
  ids.tlsAuth,
];
const victoriaLogsOnly = [
  ids.vlTimestampField,
  ids.vlMessageField,
  ids.vlLevelField,
  ids.vlTextFields,
  ids.vlAccountId,
  ids.vlProjectId,
];
const everyBackend = [ids.backend, ids.defaultIndex, ids.messageField, ids.levelField, ids.addDataLink];

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

  it.each<[BackendKind | undefined, string[], string[]]>([
    [undefined, [...embeddedOnly, ...everyBackend], [...remoteOnly, ...victoriaLogsOnly]],
    ['embedded', [...embeddedOnly, ...everyBackend], [...remoteOnly, ...victoriaLogsOnly]],
    ['quickwit', [...remoteOnly, ...everyBackend], [...embeddedOnly, ...victoriaLogsOnly]],
    ['victorialogs', [...remoteOnly, ...victoriaLogsOnly, ...everyBackend], embeddedOnly],
  ])('backend %s shows only the settings it reads', (backend, shown, hidden) => {
    render(<ConfigEditor options={settings({ backend })} onOptionsChange={jest.fn()} />);
    for (const id of shown) {
      expect(screen.getByTestId(id)).toBeInTheDocument();
    }
    for (const id of hidden) {
      expect(screen.queryByTestId(id)).not.toBeInTheDocument();
    }
  });

  it('switches the backend in jsonData.backend, keeping every other setting for a switch back', () => {
    const { last } = renderLive(settings({ dataDir: '/data', defaultIndex: 'app' }));
    expect(within(screen.getByTestId(ids.backend)).getByLabelText('Embedded')).toBeChecked();
    chooseBackend('VictoriaLogs');
    expect(last().jsonData).toEqual({ backend: 'victorialogs', dataDir: '/data', defaultIndex: 'app' });
    expect(screen.getByTestId(ids.vlTimestampField)).toBeInTheDocument();
    expect(screen.queryByTestId(ids.dataDir)).not.toBeInTheDocument();
    chooseBackend('Quickwit');
    expect(last().jsonData.backend).toBe('quickwit');
    expect(screen.queryByTestId(ids.vlTimestampField)).not.toBeInTheDocument();
    expect(screen.getByTestId(ids.url)).toBeInTheDocument();
    chooseBackend('Embedded');
    expect(last().jsonData).toEqual({ backend: 'embedded', dataDir: '/data', defaultIndex: 'app' });
    expect(screen.getByTestId(ids.dataDir)).toHaveValue('/data');
  });

  it.each<[string, BackendKind, string, string, (next: Settings) => unknown, unknown]>([
    ['url', 'quickwit', ids.url, 'https://qw.example:7280', (n) => n.url, 'https://qw.example:7280'],
    ['jsonData.timeout', 'quickwit', ids.timeout, '45', (n) => n.jsonData.timeout, 45],
    ['jsonData.timeout', 'victorialogs', ids.timeout, '2.5', (n) => n.jsonData.timeout, 2.5],
    ['jsonData.serverName', 'victorialogs', ids.serverName, 'vl.internal', (n) => n.jsonData.serverName, 'vl.internal'],
    [
      'victoriaLogs.timestampField',
      'victorialogs',
      ids.vlTimestampField,
      'ts',
      (n) => n.jsonData.victoriaLogs?.timestampField,
      'ts',
    ],
    [
      'victoriaLogs.messageField',
      'victorialogs',
      ids.vlMessageField,
      'body',
      (n) => n.jsonData.victoriaLogs?.messageField,
      'body',
    ],
    [
      'victoriaLogs.levelField',
      'victorialogs',
      ids.vlLevelField,
      'level',
      (n) => n.jsonData.victoriaLogs?.levelField,
      'level',
    ],
    ['victoriaLogs.accountId', 'victorialogs', ids.vlAccountId, '12', (n) => n.jsonData.victoriaLogs?.accountId, '12'],
    ['victoriaLogs.projectId', 'victorialogs', ids.vlProjectId, '3', (n) => n.jsonData.victoriaLogs?.projectId, '3'],
  ])('writes %s (%s)', (_key, backend, testId, value, read, want) => {
    const vl = { textFields: ['message'] };
    const { last } = renderLive(settings({ backend, retention: '7d', victoriaLogs: vl }));
    fireEvent.change(screen.getByTestId(testId), { target: { value } });
    const next = last();
    expect(read(next)).toEqual(want);
    expect(next.jsonData.backend).toBe(backend);
    expect(next.jsonData.retention).toBe('7d');
    expect(next.jsonData.victoriaLogs?.textFields).toEqual(['message']);
  });

  it('shows the backend defaults of the VictoriaLogs fields as placeholders', () => {
    render(<ConfigEditor options={settings({ backend: 'victorialogs' })} onOptionsChange={jest.fn()} />);
    expect(screen.getByTestId(ids.vlTimestampField)).toHaveAttribute('placeholder', 'timestamp');
    expect(screen.getByTestId(ids.vlMessageField)).toHaveAttribute('placeholder', 'message');
    expect(screen.getByTestId(ids.vlLevelField)).toHaveAttribute('placeholder', 'severity');
    expect(screen.getByTestId(ids.vlAccountId)).toHaveAttribute('placeholder', '0');
  });

  it('adds and removes VictoriaLogs text fields as a list', () => {
    const { last } = renderLive(settings({ backend: 'victorialogs', victoriaLogs: { messageField: 'body' } }));
    const input = within(screen.getByTestId(ids.vlTextFields)).getByRole('textbox');
    fireEvent.change(input, { target: { value: 'body' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.change(input, { target: { value: 'error.message' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(last().jsonData.victoriaLogs).toEqual({ messageField: 'body', textFields: ['body', 'error.message'] });
    fireEvent.click(within(screen.getByTestId(ids.vlTextFields)).getByRole('button', { name: /remove tag: body/i }));
    expect(last().jsonData.victoriaLogs?.textFields).toEqual(['error.message']);
  });

  it('removes jsonData.timeout when emptied, so the backend applies its default', () => {
    const { last } = renderLive(settings({ backend: 'quickwit', timeout: 10 }));
    fireEvent.change(screen.getByTestId(ids.timeout), { target: { value: '' } });
    expect(last().jsonData).toEqual({ backend: 'quickwit' });
  });

  it.each<[string, TriageOptions, Partial<Settings>, string]>([
    ['a timeout of 0', { backend: 'quickwit', timeout: 0 }, {}, 'Seconds from 1 to 3600; empty means 30'],
    ['a timeout over an hour', { backend: 'quickwit', timeout: 7200 }, {}, 'Seconds from 1 to 3600; empty means 30'],
    ['a URL without http', { backend: 'quickwit' }, { url: 'quickwit:7280' }, 'e.g. http://quickwit-searcher:7280'],
    ['a URL of another scheme', { backend: 'victorialogs' }, { url: 'ftp://vl' }, 'e.g. http://vlselect:9471'],
    [
      'a tenant that is no number',
      { backend: 'victorialogs', victoriaLogs: { accountId: 'team-a' } },
      {},
      'A whole number',
    ],
    [
      'a tenant over 32 bits',
      { backend: 'victorialogs', victoriaLogs: { projectId: '4294967296' } },
      {},
      'A whole number',
    ],
  ])('flags %s, which the backend refuses', (_what, jsonData, extra, message) => {
    render(<ConfigEditor options={settings(jsonData, extra)} onOptionsChange={jest.fn()} />);
    expect(screen.getByText(new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))).toBeInTheDocument();
  });

  it.each<[string, TriageOptions, Partial<Settings>]>([
    [
      'valid settings',
      { backend: 'victorialogs', timeout: 60, victoriaLogs: { accountId: '4294967295', projectId: '0' } },
      { url: 'https://vlselect:9471/' },
    ],
    ['empty settings', { backend: 'victorialogs' }, {}],
  ])('flags nothing for %s', (_what, jsonData, extra) => {
    render(<ConfigEditor options={settings(jsonData, extra)} onOptionsChange={jest.fn()} />);
    expect(screen.queryByText(/Seconds from|http:\/\/ or https:\/\/|A whole number/)).not.toBeInTheDocument();
  });

  it.each<[keyof TriageOptions, string]>([
    ['tlsSkipVerify', ids.tlsSkipVerify],
    ['tlsAuthWithCACert', ids.tlsAuthWithCACert],
    ['tlsAuth', ids.tlsAuth],
  ])('turns jsonData.%s on and off', (key, testId) => {
    const { last } = renderLive(settings({ backend: 'quickwit' }));
    fireEvent.click(screen.getByTestId(testId));
    expect(last().jsonData[key]).toBe(true);
    fireEvent.click(screen.getByTestId(testId));
    expect(last().jsonData[key]).toBe(false);
  });

  it('shows the certificate inputs only while their switch is on', () => {
    renderLive(settings({ backend: 'quickwit' }));
    expect(screen.queryByTestId(ids.tlsCACert)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.tlsClientCert)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.tlsClientKey)).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId(ids.tlsAuthWithCACert));
    expect(screen.getByTestId(ids.tlsCACert)).toBeInTheDocument();
    expect(screen.queryByTestId(ids.tlsClientCert)).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId(ids.tlsAuth));
    expect(screen.getByTestId(ids.tlsClientCert)).toBeInTheDocument();
    expect(screen.getByTestId(ids.tlsClientKey)).toBeInTheDocument();
  });

  it.each<[keyof TriageSecureOptions, TriageOptions, Partial<Settings>, string | undefined, string]>([
    ['basicAuthPassword', { backend: 'quickwit' }, {}, 'Basic auth', ids.basicAuthPassword],
    ['bearerToken', { backend: 'victorialogs' }, {}, 'Bearer token', ids.bearerToken],
    ['tlsCACert', { backend: 'quickwit', tlsAuthWithCACert: true }, {}, undefined, ids.tlsCACert],
    ['tlsClientCert', { backend: 'quickwit', tlsAuth: true }, {}, undefined, ids.tlsClientCert],
    ['tlsClientKey', { backend: 'victorialogs', tlsAuth: true }, {}, undefined, ids.tlsClientKey],
    ['ingestToken', {}, {}, undefined, ids.ingestToken],
  ])('keeps %s in secureJsonData only', (key, jsonData, extra, authMode, testId) => {
    const { last } = renderLive(settings(jsonData, extra));
    if (authMode) {
      chooseAuth(authMode);
    }
    const value = `-----BEGIN ${key} s3cret-----`;
    fireEvent.change(screen.getByTestId(testId), { target: { value } });
    expectSecretOnlyIn(last(), key, value);
  });

  it.each<[keyof TriageSecureOptions, TriageOptions, Partial<Settings>, string]>([
    [
      'basicAuthPassword',
      { backend: 'quickwit' },
      { basicAuth: true, basicAuthUser: 'grafana' },
      ids.basicAuthPassword,
    ],
    ['bearerToken', { backend: 'victorialogs' }, {}, ids.bearerToken],
    ['tlsCACert', { backend: 'quickwit', tlsAuthWithCACert: true }, {}, ids.tlsCACert],
    ['tlsClientCert', { backend: 'quickwit', tlsAuth: true }, {}, ids.tlsClientCert],
    ['tlsClientKey', { backend: 'quickwit', tlsAuth: true }, {}, ids.tlsClientKey],
    ['ingestToken', {}, {}, ids.ingestToken],
  ])('resets a configured %s', (key, jsonData, extra, testId) => {
    const { last } = renderLive(settings(jsonData, { ...extra, secureJsonFields: { [key]: true } }));
    expect(screen.getByTestId(testId)).toHaveValue('configured');
    expect(screen.getByTestId(testId)).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    const next = last();
    expect(next.secureJsonFields[key]).toBe(false);
    expect(next.secureJsonData?.[key]).toBe('');
    expect(screen.getByTestId(testId)).toHaveValue('');
    expect(screen.getByTestId(testId)).toBeEnabled();
  });

  it('opens on the saved auth method', () => {
    render(
      <ConfigEditor
        options={settings({ backend: 'quickwit' }, { secureJsonFields: { bearerToken: true } })}
        onOptionsChange={jest.fn()}
      />
    );
    expect(within(screen.getByTestId(ids.authMode)).getByLabelText('Bearer token')).toBeChecked();
    expect(screen.getByTestId(ids.bearerToken)).toHaveValue('configured');
    expect(screen.queryByTestId(ids.basicAuthUser)).not.toBeInTheDocument();
  });

  it('uses Grafana basic auth fields and clears the other method when switching', () => {
    const { last } = renderLive(settings({ backend: 'quickwit' }, { secureJsonFields: { bearerToken: true } }));
    chooseAuth('Basic auth');
    expect(last().basicAuth).toBe(true);
    expect(last().secureJsonFields.bearerToken).toBe(false);
    expect(last().secureJsonData?.bearerToken).toBe('');
    expect(screen.queryByTestId(ids.bearerToken)).not.toBeInTheDocument();
    fireEvent.change(screen.getByTestId(ids.basicAuthUser), { target: { value: 'grafana' } });
    expect(last().basicAuthUser).toBe('grafana');
    fireEvent.change(screen.getByTestId(ids.basicAuthPassword), { target: { value: 'pw' } });
    expectSecretOnlyIn(last(), 'basicAuthPassword', 'pw');

    chooseAuth('Bearer token');
    expect(last().basicAuth).toBe(false);
    expect(last().secureJsonData).toEqual({ basicAuthPassword: '', bearerToken: '' });
    expect(screen.getByTestId(ids.bearerToken)).toHaveValue('');
    fireEvent.change(screen.getByTestId(ids.bearerToken), { target: { value: 'tok' } });

    chooseAuth('None');
    expect(last().basicAuth).toBe(false);
    expect(last().secureJsonData).toEqual({ basicAuthPassword: '', bearerToken: '' });
    expect(screen.queryByTestId(ids.bearerToken)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.basicAuthPassword)).not.toBeInTheDocument();
  });
});
