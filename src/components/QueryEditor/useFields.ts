import { useEffect, useState } from 'react';

import { listFields, ResourceClient } from '../../resources';
import { FieldInfo } from '../../types';

/** useFields loads the fields of index from the backend, for completion and pickers. */
export function useFields(client: ResourceClient, index: string): FieldInfo[] {
  const [fields, setFields] = useState<FieldInfo[]>([]);
  useEffect(() => {
    let current = true;
    listFields(client, index)
      .then((f) => current && setFields(f))
      .catch(() => current && setFields([]));
    return () => {
      current = false;
    };
  }, [client, index]);
  return fields;
}
