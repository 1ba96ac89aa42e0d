import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { FieldSet, InlineField, Input, SecretInput } from '@grafana/ui';

import { DataLinkConfig, TriageOptions, TriageSecureOptions } from '../../types';
import { testIds } from '../testIds';
import { DataLinks } from './DataLinks';
import { useChangeJsonString } from './useChangeJsonString';
import { useSecureToken } from './useSecureToken';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

const labelWidth = 20;

/** The default ingest listener; pkg/plugin/settings.go uses the same when the key is absent. */
export const DEFAULT_INGEST_LISTEN = '127.0.0.1:7280';

/** ConfigEditor edits a Triage datasource: storage, ingest, log fields and data links. */
export function ConfigEditor(props: Props) {
  const { options, onOptionsChange } = props;
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const onDataDir = useChangeJsonString(props, 'dataDir');
  const onRetention = useChangeJsonString(props, 'retention');
  const onDefaultIndex = useChangeJsonString(props, 'defaultIndex');
  const onIngestListen = useChangeJsonString(props, 'ingestListen');
  const onMessageField = useChangeJsonString(props, 'messageField');
  const onLevelField = useChangeJsonString(props, 'levelField');
  const token = useSecureToken(props);
  const onLinks = (dataLinks: DataLinkConfig[]) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, dataLinks } });

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
        <InlineField label="Default index" labelWidth={labelWidth} tooltip="Index used by queries that name none.">
          <Input
            data-testid={testIds.configEditor.defaultIndex}
            value={jsonData.defaultIndex ?? ''}
            onChange={onDefaultIndex}
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
            isConfigured={Boolean(secureJsonFields?.ingestToken)}
            value={secureJsonData?.ingestToken ?? ''}
            onChange={token.onChange}
            onReset={token.onReset}
            width={40}
          />
        </InlineField>
      </FieldSet>
      <FieldSet label="Logs">
        <InlineField
          label="Message field"
          labelWidth={labelWidth}
          tooltip="The field shown as the log line. Empty: the index's message field."
        >
          <Input
            data-testid={testIds.configEditor.messageField}
            value={jsonData.messageField ?? ''}
            onChange={onMessageField}
            placeholder="message"
            width={30}
          />
        </InlineField>
        <InlineField
          label="Level field"
          labelWidth={labelWidth}
          tooltip="The field holding the log level, for colours and the logs volume."
        >
          <Input
            data-testid={testIds.configEditor.levelField}
            value={jsonData.levelField ?? ''}
            onChange={onLevelField}
            placeholder="severity"
            width={30}
          />
        </InlineField>
      </FieldSet>
      <FieldSet label="Data links">
        <DataLinks links={jsonData.dataLinks ?? []} onChange={onLinks} />
      </FieldSet>
    </>
  );
}
