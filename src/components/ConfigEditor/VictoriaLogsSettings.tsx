import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { FieldSet, InlineField, Input, TagsInput } from '@grafana/ui';

import { TriageOptions, TriageSecureOptions, VictoriaLogsOptions } from '../../types';
import { testIds } from '../testIds';
import { labelWidth } from './layout';
import { useChangeVictoriaLogs } from './useChangeVictoriaLogs';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

/** The names the backend uses when a key is empty (pkg/backend/settings.go). */
const defaults = { timestampField: 'timestamp', messageField: 'message', levelField: 'severity', tenant: '0' };

type TextKey = Exclude<keyof VictoriaLogsOptions, 'textFields'>;

/** tenantProblem flags an id VictoriaLogs cannot take: tenants are unsigned 32-bit numbers. */
export function tenantProblem(id: string | undefined): string | undefined {
  const trimmed = (id ?? '').trim();
  if (trimmed === '' || (/^\d+$/.test(trimmed) && Number(trimmed) <= 0xffffffff)) {
    return undefined;
  }
  return 'A whole number from 0 to 4294967295';
}

/**
 * VictoriaLogsSettings maps VictoriaLogs' reserved _time and _msg onto the names dashboards query,
 * so the same queries run on every backend, and picks the tenant.
 */
export function VictoriaLogsSettings(props: Props) {
  const vl = props.options.jsonData.victoriaLogs ?? {};
  const set = useChangeVictoriaLogs(props);
  const text = (key: TextKey, testId: string, placeholder: string, width = 30) => (
    <Input
      data-testid={testId}
      value={vl[key] ?? ''}
      onChange={(e) => set(key, e.currentTarget.value)}
      placeholder={placeholder}
      width={width}
    />
  );

  return (
    <FieldSet label="VictoriaLogs">
      <InlineField
        label="Timestamp field"
        labelWidth={labelWidth}
        tooltip="The name queries and results use for VictoriaLogs' _time."
      >
        {text('timestampField', testIds.configEditor.vlTimestampField, defaults.timestampField)}
      </InlineField>
      <InlineField
        label="Message field"
        labelWidth={labelWidth}
        tooltip="The name queries and results use for VictoriaLogs' _msg."
      >
        {text('messageField', testIds.configEditor.vlMessageField, defaults.messageField)}
      </InlineField>
      <InlineField
        label="Level field"
        labelWidth={labelWidth}
        tooltip="The VictoriaLogs field that logs volume and level filters read."
      >
        {text('levelField', testIds.configEditor.vlLevelField, defaults.levelField)}
      </InlineField>
      <InlineField
        label="Text fields"
        labelWidth={labelWidth}
        tooltip="Fields matched word by word, ignoring case, like the embedded engine's tokenized text. Every other field matches whole values. Empty: the message field only."
      >
        <div data-testid={testIds.configEditor.vlTextFields}>
          <TagsInput
            tags={vl.textFields ?? []}
            onChange={(fields) => set('textFields', fields)}
            placeholder={`${vl.messageField || defaults.messageField} (enter to add)`}
            addOnBlur
            autoColors={false}
            width={40}
          />
        </div>
      </InlineField>
      <InlineField
        label="Account id"
        labelWidth={labelWidth}
        tooltip="The tenant's AccountID header (cluster mode)."
        invalid={tenantProblem(vl.accountId) !== undefined}
        error={tenantProblem(vl.accountId)}
      >
        {text('accountId', testIds.configEditor.vlAccountId, defaults.tenant, 12)}
      </InlineField>
      <InlineField
        label="Project id"
        labelWidth={labelWidth}
        tooltip="The tenant's ProjectID header (cluster mode)."
        invalid={tenantProblem(vl.projectId) !== undefined}
        error={tenantProblem(vl.projectId)}
      >
        {text('projectId', testIds.configEditor.vlProjectId, defaults.tenant, 12)}
      </InlineField>
    </FieldSet>
  );
}
