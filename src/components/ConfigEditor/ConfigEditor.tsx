import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { FieldSet, InlineField, Input, RadioButtonGroup } from '@grafana/ui';

import { BackendKind, DataLinkConfig, TriageOptions, TriageSecureOptions } from '../../types';
import { testIds } from '../testIds';
import { DataLinks } from './DataLinks';
import { EmbeddedSettings } from './EmbeddedSettings';
import { labelWidth } from './layout';
import { RemoteAuth } from './RemoteAuth';
import { RemoteConnection } from './RemoteConnection';
import { RemoteTLS } from './RemoteTLS';
import { useChangeJsonString } from './useChangeJsonString';
import { VictoriaLogsSettings } from './VictoriaLogsSettings';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

const backendOptions: Array<{ label: string; value: BackendKind; description: string }> = [
  { label: 'Embedded', value: 'embedded', description: 'The search engine inside the plugin, on this machine' },
  { label: 'Quickwit', value: 'quickwit', description: 'A Quickwit cluster (0.8 or 0.9)' },
  { label: 'VictoriaLogs', value: 'victorialogs', description: 'A VictoriaLogs server or cluster (vlselect)' },
];

/**
 * ConfigEditor edits a Triage datasource: which store answers queries, what reaching it takes,
 * log fields and data links. Each backend shows only the settings it reads.
 */
export function ConfigEditor(props: Props) {
  const { options, onOptionsChange } = props;
  const { jsonData } = options;
  const backend: BackendKind = jsonData.backend ?? 'embedded';
  const onBackend = (kind: BackendKind) => onOptionsChange({ ...options, jsonData: { ...jsonData, backend: kind } });
  const onDefaultIndex = useChangeJsonString(props, 'defaultIndex');
  const onMessageField = useChangeJsonString(props, 'messageField');
  const onLevelField = useChangeJsonString(props, 'levelField');
  const onLinks = (dataLinks: DataLinkConfig[]) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, dataLinks } });

  return (
    <>
      <FieldSet label="Backend">
        <InlineField
          label="Store"
          labelWidth={labelWidth}
          tooltip="Where the logs live. Queries, links, volume, live tail and alerts work the same on each."
        >
          <div data-testid={testIds.configEditor.backend}>
            <RadioButtonGroup options={backendOptions} value={backend} onChange={onBackend} />
          </div>
        </InlineField>
      </FieldSet>
      {backend === 'embedded' ? (
        <EmbeddedSettings {...props} />
      ) : (
        <>
          <RemoteConnection {...props} kind={backend} />
          <RemoteAuth {...props} />
          <RemoteTLS {...props} />
          {backend === 'victorialogs' && <VictoriaLogsSettings {...props} />}
        </>
      )}
      <FieldSet label="Logs">
        <InlineField label="Default index" labelWidth={labelWidth} tooltip="Index used by queries that name none.">
          <Input
            data-testid={testIds.configEditor.defaultIndex}
            value={jsonData.defaultIndex ?? ''}
            onChange={onDefaultIndex}
            placeholder="logs"
            width={20}
          />
        </InlineField>
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
