import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { FieldSet, InlineField, Input, SecretInput } from '@grafana/ui';

import { TriageOptions, TriageSecureOptions } from '../../types';
import { testIds } from '../testIds';
import { labelWidth } from './layout';
import { useChangeJsonString } from './useChangeJsonString';
import { useSecureField } from './useSecureField';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

/** The default ingest listener; pkg/plugin/settings.go uses the same when the key is absent. */
export const DEFAULT_INGEST_LISTEN = '127.0.0.1:7280';

/** EmbeddedSettings edits what only the engine inside the plugin has: its store and its ingest listener. */
export function EmbeddedSettings(props: Props) {
  const { jsonData, secureJsonData } = props.options;
  const onDataDir = useChangeJsonString(props, 'dataDir');
  const onRetention = useChangeJsonString(props, 'retention');
  const onIngestListen = useChangeJsonString(props, 'ingestListen');
  const token = useSecureField(props, 'ingestToken');

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
            onChange={onDataDir}
            placeholder="/var/lib/grafana/triage"
            width={50}
          />
        </InlineField>
        <InlineField label="Retention" labelWidth={labelWidth} tooltip="How long events are kept, e.g. 30d, 12h, 2w.">
          <Input
            data-testid={testIds.configEditor.retention}
            value={jsonData.retention ?? ''}
            onChange={onRetention}
            placeholder="30d"
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
            value={jsonData.ingestListen ?? DEFAULT_INGEST_LISTEN}
            onChange={onIngestListen}
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
            isConfigured={token.isConfigured}
            value={secureJsonData?.ingestToken ?? ''}
            onChange={token.onChange}
            onReset={token.onReset}
            width={40}
          />
        </InlineField>
      </FieldSet>
    </>
  );
}
