import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { DataSource } from '../datasource';
import { TriageQuery } from '../types';
import { QueryEditor } from './QueryEditor';
import { testIds } from './testIds';

const datasource = {} as DataSource;

function renderEditor(query: TriageQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<QueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('edits the query text and runs it on blur', () => {
    const { onChange, onRunQuery } = renderEditor({ refId: 'A', queryType: 'logs', query: '' });
    const input = screen.getByTestId(testIds.queryEditor.query);
    fireEvent.change(input, { target: { value: 'severity:error AND service:$service' } });
    expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ query: 'severity:error AND service:$service' }));
    fireEvent.blur(input);
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('parses the limit as a number and clears it when empty', () => {
    const { onChange } = renderEditor({ refId: 'A', queryType: 'logs', limit: 100 });
    const input = screen.getByTestId(testIds.queryEditor.limit);
    fireEvent.change(input, { target: { value: '250' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: 250 }));
    fireEvent.change(input, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: undefined }));
  });
});
