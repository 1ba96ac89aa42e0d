import React, { ChangeEvent } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { Combobox, ComboboxOption, InlineField, Input, Stack } from '@grafana/ui';

import { DataSource } from '../datasource';
import { QUERY_TYPES, QueryType, TriageOptions, TriageQuery } from '../types';
import { testIds } from './testIds';

type Props = QueryEditorProps<DataSource, TriageQuery, TriageOptions>;

const queryTypeOptions: Array<ComboboxOption<QueryType>> = QUERY_TYPES.map((t) => ({ label: t, value: t }));

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const onQueryTypeChange = (v: ComboboxOption<QueryType>) => {
    onChange({ ...query, queryType: v.value });
    onRunQuery();
  };
  const onQueryChange = (event: ChangeEvent<HTMLInputElement>) => {
    onChange({ ...query, query: event.target.value });
  };
  const onLimitChange = (event: ChangeEvent<HTMLInputElement>) => {
    const limit = parseInt(event.target.value, 10);
    onChange({ ...query, limit: Number.isNaN(limit) ? undefined : limit });
  };

  return (
    <Stack gap={1} direction="column">
      <Stack gap={1}>
        <InlineField label="Type" labelWidth={10}>
          <Combobox
            data-testid={testIds.queryEditor.queryType}
            options={queryTypeOptions}
            value={query.queryType ?? 'logs'}
            onChange={onQueryTypeChange}
            width={20}
          />
        </InlineField>
        <InlineField label="Limit" labelWidth={10}>
          <Input
            data-testid={testIds.queryEditor.limit}
            type="number"
            value={query.limit ?? ''}
            onChange={onLimitChange}
            onBlur={onRunQuery}
            width={10}
          />
        </InlineField>
      </Stack>
      <InlineField label="Query" labelWidth={10} grow>
        <Input
          data-testid={testIds.queryEditor.query}
          value={query.query ?? ''}
          onChange={onQueryChange}
          onBlur={onRunQuery}
          placeholder="severity:error AND service:payment-service"
        />
      </InlineField>
    </Stack>
  );
}
