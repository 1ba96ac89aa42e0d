import { ChangeEvent, useCallback } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import { TriageOptions, TriageSecureOptions } from '../../types';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;
type StringKey =
  'dataDir' | 'retention' | 'defaultIndex' | 'ingestListen' | 'messageField' | 'levelField' | 'serverName';

/** useChangeJsonString returns an input handler writing one string key of jsonData. */
export function useChangeJsonString({ options, onOptionsChange }: Props, key: StringKey) {
  return useCallback(
    (e: ChangeEvent<HTMLInputElement>) =>
      onOptionsChange({ ...options, jsonData: { ...options.jsonData, [key]: e.target.value } }),
    [options, onOptionsChange, key]
  );
}
