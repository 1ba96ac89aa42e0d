import { FormEvent, useCallback } from 'react';
import { DataSourcePluginOptionsEditorProps, DataSourceSettings } from '@grafana/data';

import { TriageOptions, TriageSecureOptions } from '../../types';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;
type Settings = DataSourceSettings<TriageOptions, TriageSecureOptions>;
type SecureKey = keyof TriageSecureOptions;

/**
 * withSecretCleared forgets a stored secret: Grafana keeps a secret until secureJsonData sends the
 * key again, so resetting sends it empty and marks it unconfigured for the inputs.
 */
export function withSecretCleared(options: Settings, key: SecureKey): Settings {
  return {
    ...options,
    secureJsonFields: { ...options.secureJsonFields, [key]: false },
    secureJsonData: { ...options.secureJsonData, [key]: '' },
  };
}

/** useSecureField returns the change and reset handlers of one secret, kept in secureJsonData only. */
export function useSecureField({ options, onOptionsChange }: Props, key: SecureKey) {
  const onChange = useCallback(
    (e: FormEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, [key]: e.currentTarget.value } }),
    [options, onOptionsChange, key]
  );
  const onReset = useCallback(() => onOptionsChange(withSecretCleared(options, key)), [options, onOptionsChange, key]);
  return { onChange, onReset, isConfigured: Boolean(options.secureJsonFields?.[key]) };
}
