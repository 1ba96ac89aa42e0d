import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineSwitch, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import { DataSource } from '../../datasource';
import { ResourceClient } from '../../resources';
import { QUERY_TYPES, QueryType, TriageOptions, TriageQuery } from '../../types';
import { testIds } from '../testIds';
import { GroupByBuilder } from './GroupByBuilder';
import { HeatmapBuilder } from './HeatmapBuilder';
import { MetricsBuilder } from './MetricsBuilder';
import { QueryField } from './QueryField';
import { useChangeNumber } from './useChangeNumber';
import { useChangeSelectable } from './useChangeSelectable';
import { useChangeString } from './useChangeString';
import { useFields } from './useFields';
import { useValidation } from './useValidation';

type Props = QueryEditorProps<DataSource, TriageQuery, TriageOptions>;

const typeLabels: Record<QueryType, string> = {
  logs: 'Logs',
  timeseries: 'Time series',
  heatmap: 'Heatmap',
  table: 'Table',
  fieldValues: 'Field values',
  logsVolume: 'Logs volume',
  annotations: 'Annotations',
};
const typeOptions = QUERY_TYPES.map((t) => ({ label: typeLabels[t], value: t }));
const sortOptions = [
  { label: 'Newest first', value: 'desc' as const },
  { label: 'Oldest first', value: 'asc' as const },
];

/** QueryEditor edits one Triage query: its type, the query text, and the options of that type. */
export function QueryEditor({ datasource, query, onChange, onRunQuery }: Props) {
  const client: ResourceClient = datasource;
  const text = query.query ?? '';
  const type = query.queryType ?? 'logs';
  const index = query.index || datasource.defaultIndex || 'logs';
  const error = useValidation(client, text);
  const fields = useFields(client, index);

  const onType = useChangeSelectable(query, onChange, onRunQuery, 'queryType');
  const onSort = useChangeSelectable(query, onChange, onRunQuery, 'sort');
  const onLive = useChangeSelectable(query, onChange, onRunQuery, 'live');
  const onInterval = useChangeString(query, onChange, 'interval');
  const onLimit = useChangeNumber((limit) => onChange({ ...query, limit }));

  const limitField = (
    <InlineField label="Limit" labelWidth={10}>
      <Input
        data-testid={testIds.queryEditor.limit}
        type="number"
        min={1}
        width={10}
        value={query.limit ?? ''}
        onChange={onLimit}
        onBlur={onRunQuery}
      />
    </InlineField>
  );
  const intervalField = (
    <InlineField
      label="Interval"
      labelWidth={10}
      tooltip="auto, $__interval, or a duration such as 30s; the backend resolves $__interval."
    >
      <Input
        data-testid={testIds.queryEditor.interval}
        width={14}
        value={query.interval ?? ''}
        placeholder="auto"
        onChange={onInterval}
        onBlur={onRunQuery}
      />
    </InlineField>
  );

  return (
    <Stack direction="column" gap={1}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <div data-testid={testIds.queryEditor.queryType}>
          <RadioButtonGroup options={typeOptions} value={type} onChange={onType} size="sm" />
        </div>
        <InlineField label="Live" labelWidth={6} tooltip="Keep streaming new events (live tail).">
          <InlineSwitch
            data-testid={testIds.queryEditor.live}
            value={query.live ?? false}
            onChange={(e) => onLive(e.currentTarget.checked)}
          />
        </InlineField>
      </Stack>
      <QueryField
        value={text}
        onChange={(q) => onChange({ ...query, query: q })}
        onBlur={onRunQuery}
        onRunQuery={onRunQuery}
        error={error}
        fields={fields}
        placeholder="severity:error AND service:$service (Shift+Enter runs)"
      />
      {(type === 'logs' || type === 'table') && (
        <Stack gap={1} alignItems="center">
          {limitField}
          <div data-testid={testIds.queryEditor.sort}>
            <RadioButtonGroup options={sortOptions} value={query.sort ?? 'desc'} onChange={onSort} size="sm" />
          </div>
        </Stack>
      )}
      {type === 'timeseries' && (
        <Stack direction="column" gap={0.5}>
          <MetricsBuilder
            metrics={query.metrics ?? []}
            fields={fields}
            onChange={(metrics) => onChange({ ...query, metrics })}
          />
          <GroupByBuilder
            groupBy={query.groupBy ?? []}
            fields={fields}
            onChange={(groupBy) => onChange({ ...query, groupBy })}
          />
          <Stack gap={1}>
            {intervalField}
            {limitField}
          </Stack>
        </Stack>
      )}
      {type === 'heatmap' && (
        <Stack direction="column" gap={0.5}>
          <HeatmapBuilder
            heatmap={query.heatmap}
            fields={fields}
            onChange={(heatmap) => onChange({ ...query, heatmap })}
          />
          {intervalField}
        </Stack>
      )}
      {type === 'logsVolume' && intervalField}
    </Stack>
  );
}
