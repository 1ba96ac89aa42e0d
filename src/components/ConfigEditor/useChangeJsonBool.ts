import { ChangeEvent, useCallback } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import { TriageOptions, TriageSecureOptions } from '../../types';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;
type BoolKey = 'tlsSkipVerify' | 'tlsAuthWithCACert' | 'tlsAuth';

/** useChangeJsonBool returns a switch handler writing one boolean key of jsonData. */
export function useChangeJsonBool({ options, onOptionsChange }: Props, key: BoolKey) {
  return useCallback(
    (e: ChangeEvent<HTMLInputElement>) =>
      onOptionsChange({ ...options, jsonData: { ...options.jsonData, [key]: e.currentTarget.checked } }),
    [options, onOptionsChange, key]
  );
}
