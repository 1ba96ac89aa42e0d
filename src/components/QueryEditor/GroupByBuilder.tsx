import React from 'react';
import { Button, InlineField, Input, Stack } from '@grafana/ui';

import { FieldInfo, GroupBy } from '../../types';
import { testIds } from '../testIds';
import { FieldPicker } from './FieldPicker';
import { useChangeNumber } from './useChangeNumber';

interface Props {
  groupBy: GroupBy[];
  fields: FieldInfo[];
  onChange: (groupBy: GroupBy[]) => void;
}

/** GroupByBuilder edits the terms splits of a timeseries query (top N values of a field). */
export function GroupByBuilder({ groupBy, fields, onChange }: Props) {
  const set = (i: number, g: GroupBy) => onChange(groupBy.map((old, j) => (j === i ? g : old)));
  return (
    <Stack direction="column" gap={0.5}>
      {groupBy.map((g, i) => (
        <GroupByRow
          key={i}
          group={g}
          fields={fields}
          onChange={(next) => set(i, next)}
          onRemove={() => onChange(groupBy.filter((_, j) => j !== i))}
        />
      ))}
      <div>
        <Button
          data-testid={testIds.queryEditor.addGroupBy}
          icon="plus"
          size="sm"
          variant="secondary"
          onClick={() => onChange([...groupBy, { field: '', size: 10 }])}
        >
          Group by
        </Button>
      </div>
    </Stack>
  );
}

interface RowProps {
  group: GroupBy;
  fields: FieldInfo[];
  onChange: (g: GroupBy) => void;
  onRemove: () => void;
}

function GroupByRow({ group, fields, onChange, onRemove }: RowProps) {
  const onSize = useChangeNumber((size) => onChange({ ...group, size }));
  return (
    <Stack gap={0.5} alignItems="center">
      <InlineField label="Group by" labelWidth={12}>
        <FieldPicker
          value={group.field || undefined}
          fields={fields}
          accept={(f) => f.aggregatable}
          onChange={(field) => onChange({ ...group, field: field ?? '' })}
          testId={testIds.queryEditor.groupByField}
        />
      </InlineField>
      <InlineField label="Top" labelWidth={6}>
        <Input
          data-testid={testIds.queryEditor.groupBySize}
          type="number"
          min={1}
          width={8}
          value={group.size ?? ''}
          onChange={onSize}
        />
      </InlineField>
      <Button icon="trash-alt" size="sm" variant="secondary" aria-label="Remove group by" onClick={onRemove} />
    </Stack>
  );
}
