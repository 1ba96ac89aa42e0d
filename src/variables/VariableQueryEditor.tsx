import React, { useState } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, Input, Stack } from '@grafana/ui';

import { FieldPicker } from '../components/QueryEditor/FieldPicker';
import { parseOptionalInt } from '../components/QueryEditor/useChangeNumber';
import { useFields } from '../components/QueryEditor/useFields';
import { testIds } from '../components/testIds';
import type { DataSource } from '../datasource';
import { TriageOptions, TriageQuery } from '../types';

type Props = QueryEditorProps<DataSource, TriageQuery, TriageOptions>;

/** The number of values a variable lists when the editor leaves the limit empty. */
export const DEFAULT_VALUES_LIMIT = 100;

/**
 * VariableQueryEditor edits a query variable: the field whose values it
 * lists, an optional filter query (which may use other variables, so
 * variables chain) and a limit. Changes apply on blur, as Grafana re-runs
 * the variable on every change.
 */
export function VariableQueryEditor({ datasource, query, onChange }: Props) {
  const fields = useFields(datasource, query.index || datasource.defaultIndex);
  const [filter, setFilter] = useState(query.query ?? '');
  const [limit, setLimit] = useState(String(query.limit ?? DEFAULT_VALUES_LIMIT));
  const commit = (next: Partial<TriageQuery>) =>
    onChange({ ...query, queryType: 'fieldValues', limit: query.limit ?? DEFAULT_VALUES_LIMIT, ...next });

  return (
    <Stack direction="column" gap={0.5}>
      <InlineField label="Field" labelWidth={14} tooltip="The field whose values the variable lists.">
        <FieldPicker
          value={query.field}
          fields={fields}
          onChange={(field) => commit({ field })}
          testId={testIds.variableEditor.field}
          width={30}
        />
      </InlineField>
      <InlineField
        label="Filter query"
        labelWidth={14}
        grow
        tooltip="Only values of events matching this query, e.g. env:$env."
      >
        <Input
          data-testid={testIds.variableEditor.query}
          value={filter}
          placeholder="env:$env"
          onChange={(e) => setFilter(e.currentTarget.value)}
          onBlur={() => commit({ query: filter })}
        />
      </InlineField>
      <InlineField label="Limit" labelWidth={14}>
        <Input
          data-testid={testIds.variableEditor.limit}
          type="number"
          min={1}
          width={10}
          value={limit}
          onChange={(e) => setLimit(e.currentTarget.value)}
          onBlur={() => commit({ limit: parseOptionalInt(limit) ?? DEFAULT_VALUES_LIMIT })}
        />
      </InlineField>
    </Stack>
  );
}
