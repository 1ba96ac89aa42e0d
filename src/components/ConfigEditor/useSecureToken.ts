import { ChangeEvent, useCallback } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import { TriageOptions, TriageSecureOptions } from '../../types';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

/** useSecureToken returns the change and reset handlers of the ingest token, kept in secureJsonData only. */
export function useSecureToken({ options, onOptionsChange }: Props) {
  const onChange = useCallback(
    (e: ChangeEvent<HTMLInputElement>) =>
      onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, ingestToken: e.target.value } }),
    [options, onOptionsChange]
  );
  const onReset = useCallback(
    () =>
      onOptionsChange({
        ...options,
        secureJsonFields: { ...options.secureJsonFields, ingestToken: false },
        secureJsonData: { ...options.secureJsonData, ingestToken: '' },
      }),
    [options, onOptionsChange]
  );
  return { onChange, onReset };
}
