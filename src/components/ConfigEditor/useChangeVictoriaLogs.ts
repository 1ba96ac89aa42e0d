import { useCallback } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import { TriageOptions, TriageSecureOptions, VictoriaLogsOptions } from '../../types';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

/** useChangeVictoriaLogs returns a setter of one key of jsonData.victoriaLogs, keeping the others. */
export function useChangeVictoriaLogs({ options, onOptionsChange }: Props) {
  return useCallback(
    <K extends keyof VictoriaLogsOptions>(key: K, value: VictoriaLogsOptions[K]) =>
      onOptionsChange({
        ...options,
        jsonData: { ...options.jsonData, victoriaLogs: { ...options.jsonData.victoriaLogs, [key]: value } },
      }),
    [options, onOptionsChange]
  );
}
