import { useCallback } from 'react';

import { TriageQuery } from '../../types';

/** useChangeSelectable returns a picker handler writing one query key and running the query. */
export function useChangeSelectable<K extends keyof TriageQuery>(
  query: TriageQuery,
  onChange: (q: TriageQuery) => void,
  onRunQuery: () => void,
  key: K
) {
  return useCallback(
    (value: TriageQuery[K]) => {
      onChange({ ...query, [key]: value });
      onRunQuery();
    },
    [query, onChange, onRunQuery, key]
  );
}
