import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { FieldSet, InlineField, InlineSwitch, Input, SecretTextArea } from '@grafana/ui';

import { TriageOptions, TriageSecureOptions } from '../../types';
import { testIds } from '../testIds';
import { labelWidth } from './layout';
import { useChangeJsonBool } from './useChangeJsonBool';
import { useChangeJsonString } from './useChangeJsonString';
import { useSecureField } from './useSecureField';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions>;

const certPlaceholder = 'Begins with -----BEGIN CERTIFICATE-----';
const keyPlaceholder = 'Begins with -----BEGIN PRIVATE KEY-----';

/**
 * RemoteTLS edits HTTPS to the cluster under the keys Grafana's own HTTP settings use; certificates
 * and the key go to secureJsonData, the switches to jsonData.
 */
export function RemoteTLS(props: Props) {
  const { jsonData } = props.options;
  const onSkipVerify = useChangeJsonBool(props, 'tlsSkipVerify');
  const onWithCACert = useChangeJsonBool(props, 'tlsAuthWithCACert');
  const onClientAuth = useChangeJsonBool(props, 'tlsAuth');
  const onServerName = useChangeJsonString(props, 'serverName');

  return (
    <FieldSet label="TLS">
      <InlineField
        label="Skip verify"
        labelWidth={labelWidth}
        tooltip="Accept any server certificate. For tests only: anyone on the path can read and change the traffic."
      >
        <InlineSwitch
          data-testid={testIds.configEditor.tlsSkipVerify}
          value={jsonData.tlsSkipVerify ?? false}
          onChange={onSkipVerify}
        />
      </InlineField>
      <InlineField
        label="Server name"
        labelWidth={labelWidth}
        tooltip="The name the server's certificate must carry, when it differs from the URL's host."
      >
        <Input
          data-testid={testIds.configEditor.serverName}
          value={jsonData.serverName ?? ''}
          onChange={onServerName}
          placeholder="logs.example.com"
          width={40}
        />
      </InlineField>
      <InlineField
        label="With CA cert"
        labelWidth={labelWidth}
        tooltip="Trust the server certificates this CA signed, besides the system's CAs."
      >
        <InlineSwitch
          data-testid={testIds.configEditor.tlsAuthWithCACert}
          value={jsonData.tlsAuthWithCACert ?? false}
          onChange={onWithCACert}
        />
      </InlineField>
      {jsonData.tlsAuthWithCACert && (
        <PemField
          props={props}
          label="CA cert"
          secureKey="tlsCACert"
          testId={testIds.configEditor.tlsCACert}
          placeholder={certPlaceholder}
        />
      )}
      <InlineField
        label="Client auth"
        labelWidth={labelWidth}
        tooltip="Present a client certificate to the cluster (mutual TLS)."
      >
        <InlineSwitch
          data-testid={testIds.configEditor.tlsAuth}
          value={jsonData.tlsAuth ?? false}
          onChange={onClientAuth}
        />
      </InlineField>
      {jsonData.tlsAuth && (
        <>
          <PemField
            props={props}
            label="Client cert"
            secureKey="tlsClientCert"
            testId={testIds.configEditor.tlsClientCert}
            placeholder={certPlaceholder}
          />
          <PemField
            props={props}
            label="Client key"
            secureKey="tlsClientKey"
            testId={testIds.configEditor.tlsClientKey}
            placeholder={keyPlaceholder}
          />
        </>
      )}
    </FieldSet>
  );
}

interface PemFieldProps {
  props: Props;
  label: string;
  secureKey: 'tlsCACert' | 'tlsClientCert' | 'tlsClientKey';
  testId: string;
  placeholder: string;
}

/** PemField edits one PEM certificate or key, kept in secureJsonData only. */
function PemField({ props, label, secureKey, testId, placeholder }: PemFieldProps) {
  const pem = useSecureField(props, secureKey);
  return (
    <InlineField label={label} labelWidth={labelWidth}>
      <SecretTextArea
        data-testid={testId}
        isConfigured={pem.isConfigured}
        value={props.options.secureJsonData?.[secureKey] ?? ''}
        onChange={pem.onChange}
        onReset={pem.onReset}
        placeholder={placeholder}
        rows={7}
        cols={64}
      />
    </InlineField>
  );
}
