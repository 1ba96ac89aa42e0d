/**
 * A page for the browser test (test/browser/): the real QueryEditor, editing
 * a query kept in state, against the fake backend's resources.
 */
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';

import { QueryEditor } from '../components/QueryEditor/QueryEditor';
import { DataSource } from '../datasource';
import { TriageQuery } from '../types';
import { FakeBackend } from './fakeBackend';

const backend = new FakeBackend();

function Harness() {
  const [query, setQuery] = useState<TriageQuery>({
    refId: 'A',
    queryType: 'logs',
    query: '',
    limit: 100,
    sort: 'desc',
  });
  return (
    <div style={{ padding: 16, width: 720 }}>
      <QueryEditor
        datasource={backend as unknown as DataSource}
        query={query}
        onChange={setQuery}
        onRunQuery={() => undefined}
      />
      <pre data-testid="harness-query">{JSON.stringify(query)}</pre>
    </div>
  );
}

/** mountHarness renders the harness into el. */
export function mountHarness(el: HTMLElement) {
  createRoot(el).render(<Harness />);
}
