import React from 'react';
import { Button, Combobox, InlineField, Input, Stack } from '@grafana/ui';

import { FieldInfo, Metric, METRIC_TYPES, MetricType } from '../../types';
import { testIds } from '../testIds';
import { FieldPicker } from './FieldPicker';
import { useChangeNumber } from './useChangeNumber';

interface Props {
  metrics: Metric[];
  fields: FieldInfo[];
  onChange: (metrics: Metric[]) => void;
}

const typeOptions = METRIC_TYPES.map((t) => ({ label: t, value: t }));
const numeric = (f: FieldInfo) => f.type === 'i64' || f.type === 'u64' || f.type === 'f64' || f.type === 'datetime';

/** MetricsBuilder edits the aggregations of a timeseries query. */
export function MetricsBuilder({ metrics, fields, onChange }: Props) {
  const list = metrics.length > 0 ? metrics : [{ type: 'count' as MetricType }];
  const set = (i: number, m: Metric) => onChange(list.map((old, j) => (j === i ? m : old)));
  return (
    <Stack direction="column" gap={0.5}>
      {list.map((m, i) => (
        <MetricRow
          key={i}
          index={i}
          metric={m}
          fields={fields}
          onChange={(next) => set(i, next)}
          onRemove={list.length > 1 ? () => onChange(list.filter((_, j) => j !== i)) : undefined}
        />
      ))}
      <div>
        <Button
          data-testid={testIds.queryEditor.addMetric}
          icon="plus"
          size="sm"
          variant="secondary"
          onClick={() => onChange([...list, { type: 'count' }])}
        >
          Metric
        </Button>
      </div>
    </Stack>
  );
}

interface RowProps {
  index: number;
  metric: Metric;
  fields: FieldInfo[];
  onChange: (m: Metric) => void;
  onRemove?: () => void;
}

function MetricRow({ index, metric, fields, onChange, onRemove }: RowProps) {
  const onPercent = useChangeNumber((percent) => onChange({ ...metric, percent }));
  const needsField = metric.type !== 'count';
  return (
    <Stack gap={0.5} alignItems="center">
      <InlineField label={`Metric ${index + 1}`} labelWidth={12}>
        <Combobox
          data-testid={testIds.queryEditor.metricType}
          options={typeOptions}
          value={metric.type}
          onChange={(o) => onChange(withType(metric, o.value))}
          width={16}
        />
      </InlineField>
      {needsField && (
        <FieldPicker
          value={metric.field}
          fields={fields}
          accept={metric.type === 'cardinality' ? undefined : numeric}
          onChange={(field) => onChange({ ...metric, field })}
          testId={testIds.queryEditor.metricField}
        />
      )}
      {metric.type === 'percentile' && (
        <InlineField label="Percent" labelWidth={9}>
          <Input
            data-testid={testIds.queryEditor.metricPercent}
            type="number"
            min={0}
            max={100}
            width={8}
            value={metric.percent ?? ''}
            onChange={onPercent}
          />
        </InlineField>
      )}
      {onRemove && (
        <Button icon="trash-alt" size="sm" variant="secondary" aria-label="Remove metric" onClick={onRemove} />
      )}
    </Stack>
  );
}

function withType(m: Metric, type: MetricType): Metric {
  const next: Metric = { type };
  if (type !== 'count') {
    next.field = m.field;
  }
  if (type === 'percentile') {
    next.percent = m.percent ?? 99;
  }
  return next;
}
