import React from 'react';
import { Combobox, ComboboxOption } from '@grafana/ui';

import { FieldInfo } from '../../types';

interface Props {
  value?: string;
  fields: FieldInfo[];
  onChange: (field: string | undefined) => void;
  /** Only fields this accepts are offered (aggregations need aggregatable fields). */
  accept?: (f: FieldInfo) => boolean;
  placeholder?: string;
  width?: number;
  testId?: string;
}

/** FieldPicker picks a field of the index; any text (a variable such as $field) may be typed too. */
export function FieldPicker({ value, fields, onChange, accept, placeholder, width = 24, testId }: Props) {
  const options: Array<ComboboxOption<string>> = fields
    .filter((f) => !accept || accept(f))
    .map((f) => ({ label: f.name, value: f.name, description: f.type }));
  return (
    <Combobox
      data-testid={testId}
      options={options}
      value={value ?? null}
      onChange={(o) => onChange(o?.value || undefined)}
      createCustomValue
      isClearable
      placeholder={placeholder ?? 'field'}
      width={width}
    />
  );
}
