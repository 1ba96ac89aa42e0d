import React, { useState } from 'react';
import { InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import { FieldInfo, HeatmapSpec } from '../../types';
import { testIds } from '../testIds';
import { FieldPicker } from './FieldPicker';
import { useChangeNumber } from './useChangeNumber';

interface Props {
  heatmap?: HeatmapSpec;
  fields: FieldInfo[];
  onChange: (h: HeatmapSpec) => void;
}

type Mode = 'buckets' | 'count';

const modeOptions = [
  { label: 'Bucket bounds', value: 'buckets' as Mode },
  { label: 'Bucket count', value: 'count' as Mode },
];
const scaleOptions = [
  { label: 'log', value: 'log' as const },
  { label: 'linear', value: 'linear' as const },
];

/** parseBuckets reads "10, 50, 100" into sorted, distinct numbers; undefined when a part is not a number. */
export function parseBuckets(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  const nums = parts.map(Number);
  if (nums.some((n) => !Number.isFinite(n))) {
    return undefined;
  }
  return Array.from(new Set(nums)).sort((a, b) => a - b);
}

/** HeatmapBuilder edits a heatmap query: the field and its buckets, as bounds or a count on a scale. */
export function HeatmapBuilder({ heatmap, fields, onChange }: Props) {
  const spec: HeatmapSpec = heatmap ?? { field: '', count: 20, scale: 'log' };
  const mode: Mode = spec.buckets ? 'buckets' : 'count';
  const [bucketText, setBucketText] = useState((spec.buckets ?? []).join(', '));
  const [bucketError, setBucketError] = useState<string | undefined>(undefined);
  const onCount = useChangeNumber((count) => onChange({ ...spec, count }));

  const setMode = (m: Mode) => {
    const base = { field: spec.field };
    onChange(
      m === 'buckets' ? { ...base, buckets: parseBuckets(bucketText) ?? [] } : { ...base, count: 20, scale: 'log' }
    );
  };
  const commitBuckets = () => {
    const b = parseBuckets(bucketText);
    if (!b) {
      setBucketError(`"${bucketText}" is not a list of numbers; write bounds like 10, 50, 100`);
      return;
    }
    setBucketError(undefined);
    onChange({ field: spec.field, buckets: b });
  };

  return (
    <Stack direction="column" gap={0.5}>
      <Stack gap={0.5} alignItems="center">
        <InlineField label="Field" labelWidth={12}>
          <FieldPicker
            value={spec.field || undefined}
            fields={fields}
            accept={(f) => f.type === 'i64' || f.type === 'u64' || f.type === 'f64'}
            onChange={(field) => onChange({ ...spec, field: field ?? '' })}
            testId={testIds.queryEditor.heatmapField}
          />
        </InlineField>
        <RadioButtonGroup options={modeOptions} value={mode} onChange={setMode} size="sm" />
      </Stack>
      {mode === 'buckets' ? (
        <InlineField label="Bounds" labelWidth={12} invalid={bucketError !== undefined} error={bucketError}>
          <Input
            data-testid={testIds.queryEditor.heatmapBuckets}
            width={40}
            value={bucketText}
            placeholder="10, 50, 100, 250, 500, 1000"
            onChange={(e) => setBucketText(e.currentTarget.value)}
            onBlur={commitBuckets}
          />
        </InlineField>
      ) : (
        <Stack gap={0.5} alignItems="center">
          <InlineField label="Buckets" labelWidth={12}>
            <Input
              data-testid={testIds.queryEditor.heatmapCount}
              type="number"
              min={1}
              width={8}
              value={spec.count ?? ''}
              onChange={onCount}
            />
          </InlineField>
          <RadioButtonGroup
            options={scaleOptions}
            value={spec.scale ?? 'log'}
            onChange={(scale) => onChange({ ...spec, scale })}
            size="sm"
          />
        </Stack>
      )}
    </Stack>
  );
}
