import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { FieldSet, InlineField, Input, SecretInput } from '@grafana/ui';

import { TriageOptions, TriageSecureOptions } from '../types';
import { testIds } from './testIds';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

const labelWidth = 20;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;

  const onJSONChange = (key: keyof TriageOptions) => (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, [key]: event.target.value } });
  };

  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, ingestToken: event.target.value } });
  };

  const onTokenReset = () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, ingestToken: false },
      secureJsonData: { ...secureJsonData, ingestToken: '' },
    });
  };

  return (
    <>
      <FieldSet label="Storage">
        <InlineField
          label="Data directory"
          labelWidth={labelWidth}
          tooltip="Absolute path of the embedded store. Empty: a directory under Grafana's data path."
        >
          <Input
            data-testid={testIds.configEditor.dataDir}
            value={jsonData.dataDir ?? ''}
            onChange={onJSONChange('dataDir')}
            placeholder="/var/lib/grafana/triage"
            width={50}
          />
        </InlineField>
        <InlineField label="Retention" labelWidth={labelWidth} tooltip="How long events are kept, e.g. 30d, 12h, 2w.">
          <Input
            data-testid={testIds.configEditor.retention}
            value={jsonData.retention ?? ''}
            onChange={onJSONChange('retention')}
            placeholder="30d"
            width={20}
          />
        </InlineField>
        <InlineField label="Default index" labelWidth={labelWidth} tooltip="Index used by queries that name none.">
          <Input
            data-testid={testIds.configEditor.defaultIndex}
            value={jsonData.defaultIndex ?? ''}
            onChange={onJSONChange('defaultIndex')}
            placeholder="logs"
            width={20}
          />
        </InlineField>
      </FieldSet>
      <FieldSet label="Ingest">
        <InlineField
          label="Listen address"
          labelWidth={labelWidth}
          tooltip="host:port of the Quickwit/Elasticsearch/Loki-compatible ingest listener. Empty disables it."
        >
          <Input
            data-testid={testIds.configEditor.ingestListen}
            value={jsonData.ingestListen ?? '127.0.0.1:7280'}
            onChange={onJSONChange('ingestListen')}
            width={30}
          />
        </InlineField>
        <InlineField
          label="Ingest token"
          labelWidth={labelWidth}
          tooltip="Bearer token ingest clients must send. Without one the listener accepts loopback clients only."
        >
          <SecretInput
            data-testid={testIds.configEditor.ingestToken}
            isConfigured={Boolean(secureJsonFields?.ingestToken)}
            value={secureJsonData?.ingestToken ?? ''}
            onChange={onTokenChange}
            onReset={onTokenReset}
            width={40}
          />
        </InlineField>
      </FieldSet>
    </>
  );
}
