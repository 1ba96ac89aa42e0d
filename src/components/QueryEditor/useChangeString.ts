import { ChangeEvent, useCallback } from 'react';

import { TriageQuery } from '../../types';

type StringKey = 'query' | 'index' | 'interval' | 'field';

/** useChangeString returns an input handler writing a string field of the query. */
export function useChangeString(query: TriageQuery, onChange: (q: TriageQuery) => void, key: StringKey) {
  return useCallback(
    (e: ChangeEvent<HTMLInputElement>) => onChange({ ...query, [key]: e.target.value }),
    [query, onChange, key]
  );
}
