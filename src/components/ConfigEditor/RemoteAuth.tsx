import React, { ChangeEvent, useState } from 'react';
import { DataSourcePluginOptionsEditorProps, DataSourceSettings } from '@grafana/data';
import { FieldSet, InlineField, Input, RadioButtonGroup, SecretInput } from '@grafana/ui';

import { TriageOptions, TriageSecureOptions } from '../../types';
import { testIds } from '../testIds';
import { labelWidth } from './layout';
import { useSecureField, withSecretCleared } from './useSecureField';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;
type Settings = DataSourceSettings<TriageOptions, TriageSecureOptions>;

/** How requests to the cluster authenticate: at most one method, the backend refuses two. */
export type AuthMode = 'none' | 'basic' | 'bearer';

const authOptions: Array<{ label: string; value: AuthMode }> = [
  { label: 'None', value: 'none' },
  { label: 'Basic auth', value: 'basic' },
  { label: 'Bearer token', value: 'bearer' },
];

/** authModeOf reads the method saved settings use, so the editor opens on it. */
export function authModeOf(options: Settings): AuthMode {
  if (options.basicAuth) {
    return 'basic';
  }
  if (options.secureJsonFields?.bearerToken || options.secureJsonData?.bearerToken) {
    return 'bearer';
  }
  return 'none';
}

/**
 * withAuthMode turns one method on and clears the other's stored secret: a password or token left
 * behind would still be sent, and the backend refuses basic auth and a bearer token together.
 */
export function withAuthMode(options: Settings, mode: AuthMode): Settings {
  let next: Settings = { ...options, basicAuth: mode === 'basic' };
  const drop: Array<keyof TriageSecureOptions> = [];
  if (mode !== 'basic') {
    drop.push('basicAuthPassword');
  }
  if (mode !== 'bearer') {
    drop.push('bearerToken');
  }
  for (const key of drop) {
    if (next.secureJsonFields?.[key] || next.secureJsonData?.[key]) {
      next = withSecretCleared(next, key);
    }
  }
  return next;
}

/** RemoteAuth edits the cluster's credentials: Grafana's standard basic auth fields, or a bearer token. */
export function RemoteAuth(props: Props) {
  const { options, onOptionsChange } = props;
  // Chosen, not derived: "bearer" with no token typed yet must still show the token input.
  const [mode, setMode] = useState<AuthMode>(() => authModeOf(options));
  const password = useSecureField(props, 'basicAuthPassword');
  const token = useSecureField(props, 'bearerToken');
  const onMode = (m: AuthMode) => {
    setMode(m);
    onOptionsChange(withAuthMode(options, m));
  };
  const onUser = (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, basicAuthUser: e.currentTarget.value });

  return (
    <FieldSet label="Authentication">
      <InlineField label="Method" labelWidth={labelWidth}>
        <div data-testid={testIds.configEditor.authMode}>
          <RadioButtonGroup options={authOptions} value={mode} onChange={onMode} />
        </div>
      </InlineField>
      {mode === 'basic' && (
        <>
          <InlineField label="User" labelWidth={labelWidth}>
            <Input
              data-testid={testIds.configEditor.basicAuthUser}
              value={options.basicAuthUser}
              onChange={onUser}
              width={40}
            />
          </InlineField>
          <InlineField label="Password" labelWidth={labelWidth}>
            <SecretInput
              data-testid={testIds.configEditor.basicAuthPassword}
              isConfigured={password.isConfigured}
              value={options.secureJsonData?.basicAuthPassword ?? ''}
              onChange={password.onChange}
              onReset={password.onReset}
              width={40}
            />
          </InlineField>
        </>
      )}
      {mode === 'bearer' && (
        <InlineField
          label="Token"
          labelWidth={labelWidth}
          tooltip="Sent as Authorization: Bearer <token> with every request to the cluster."
        >
          <SecretInput
            data-testid={testIds.configEditor.bearerToken}
            isConfigured={token.isConfigured}
            value={options.secureJsonData?.bearerToken ?? ''}
            onChange={token.onChange}
            onReset={token.onReset}
            width={40}
          />
        </InlineField>
      )}
    </FieldSet>
  );
}
