import React from 'react';
import { DataSourceInstanceSettings } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import { Button, InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import { DataLinkConfig } from '../../types';
import { testIds } from '../testIds';

interface Props {
  links: DataLinkConfig[];
  onChange: (links: DataLinkConfig[]) => void;
}

type Target = 'url' | 'trace';
const targetOptions = [
  { label: 'URL', value: 'url' as Target },
  { label: 'Trace datasource', value: 'trace' as Target },
];

/** DataLinks edits the links from log fields to a URL or to a trace in a tracing datasource. */
export function DataLinks({ links, onChange }: Props) {
  const set = (i: number, l: DataLinkConfig) => onChange(links.map((old, j) => (j === i ? l : old)));
  return (
    <Stack direction="column" gap={0.5}>
      {links.map((link, i) => (
        <DataLinkRow
          key={i}
          link={link}
          onChange={(l) => set(i, l)}
          onRemove={() => onChange(links.filter((_, j) => j !== i))}
        />
      ))}
      <div>
        <Button
          data-testid={testIds.configEditor.addDataLink}
          icon="plus"
          variant="secondary"
          size="sm"
          onClick={() => onChange([...links, { field: '', url: '' }])}
        >
          Data link
        </Button>
      </div>
    </Stack>
  );
}

interface RowProps {
  link: DataLinkConfig;
  onChange: (l: DataLinkConfig) => void;
  onRemove: () => void;
}

function DataLinkRow({ link, onChange, onRemove }: RowProps) {
  const target: Target = link.datasourceUid !== undefined ? 'trace' : 'url';
  const setTarget = (t: Target) =>
    onChange(
      t === 'trace'
        ? { field: link.field, label: link.label, datasourceUid: '' }
        : { field: link.field, label: link.label, url: '' }
    );
  return (
    <Stack gap={0.5} alignItems="center" wrap="wrap">
      <InlineField label="Field" labelWidth={10} tooltip="The log field whose value the link carries, e.g. trace_id.">
        <Input
          data-testid={testIds.configEditor.dataLinkField}
          width={20}
          value={link.field}
          placeholder="trace_id"
          onChange={(e) => onChange({ ...link, field: e.currentTarget.value })}
        />
      </InlineField>
      <RadioButtonGroup options={targetOptions} value={target} onChange={setTarget} size="sm" />
      {target === 'url' ? (
        <InlineField label="URL" labelWidth={8} tooltip="${__value.raw} is the field's value.">
          <Input
            data-testid={testIds.configEditor.dataLinkUrl}
            width={50}
            value={link.url ?? ''}
            placeholder="https://traces.example.com/trace/${__value.raw}"
            onChange={(e) => onChange({ ...link, url: e.currentTarget.value })}
          />
        </InlineField>
      ) : (
        <InlineField label="Datasource" labelWidth={12}>
          <div data-testid={testIds.configEditor.dataLinkDatasource}>
            <DataSourcePicker
              tracing
              current={link.datasourceUid || null}
              noDefault
              width={30}
              onChange={(ds: DataSourceInstanceSettings) => onChange({ ...link, datasourceUid: ds.uid })}
            />
          </div>
        </InlineField>
      )}
      <Button icon="trash-alt" variant="secondary" size="sm" aria-label="Remove data link" onClick={onRemove} />
    </Stack>
  );
}
