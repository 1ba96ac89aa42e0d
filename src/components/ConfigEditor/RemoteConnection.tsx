import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { FieldSet, InlineField, Input } from '@grafana/ui';

import { BackendKind, TriageOptions, TriageSecureOptions } from '../../types';
import { testIds } from '../testIds';
import { labelWidth } from './layout';

type Props = DataSourcePluginOptionsEditorProps<TriageOptions, TriageSecureOptions> & {
  kind: Exclude<BackendKind, 'embedded'>;
};

/** Where each cluster answers searches: the address a user most likely points at. */
const exampleURL: Record<Props['kind'], string> = {
  quickwit: 'http://quickwit-searcher:7280',
  victorialogs: 'http://vlselect:9471',
};

/** The backend's bounds on jsonData.timeout (pkg/plugin/settings_backend.go), in seconds. */
const maxTimeout = 3600;
const defaultTimeout = 30;

/** urlProblem says what is wrong with a cluster URL the backend would refuse; empty is left to health. */
export function urlProblem(url: string, kind: Props['kind']): string | undefined {
  if (url === '') {
    return undefined;
  }
  try {
    const u = new URL(url);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '') {
      return undefined;
    }
  } catch {
    // an unparsable URL gets the same advice as a wrong scheme
  }
  return `An http:// or https:// address with a host, e.g. ${exampleURL[kind]}`;
}

/** timeoutProblem says why a timeout is out of the range the backend accepts. */
export function timeoutProblem(timeout: number | undefined): string | undefined {
  if (timeout === undefined || (Number.isFinite(timeout) && timeout > 0 && timeout <= maxTimeout)) {
    return undefined;
  }
  return `Seconds from 1 to ${maxTimeout}; empty means ${defaultTimeout}`;
}

/** RemoteConnection edits how to reach a cluster: Grafana's standard URL field and the request timeout. */
export function RemoteConnection({ options, onOptionsChange, kind }: Props) {
  const onURL = (e: ChangeEvent<HTMLInputElement>) => onOptionsChange({ ...options, url: e.currentTarget.value });
  const onTimeout = (e: ChangeEvent<HTMLInputElement>) => {
    const text = e.currentTarget.value.trim();
    const jsonData: TriageOptions = { ...options.jsonData, timeout: Number(text) };
    if (text === '') {
      // absent, not 0: the backend refuses 0 and applies its default only to a missing key
      delete jsonData.timeout;
    }
    onOptionsChange({ ...options, jsonData });
  };
  const badURL = urlProblem(options.url, kind);
  const badTimeout = timeoutProblem(options.jsonData.timeout);

  return (
    <FieldSet label="Connection">
      <InlineField
        label="URL"
        labelWidth={labelWidth}
        tooltip="Base URL of the cluster's search API, as the Grafana server reaches it."
        invalid={badURL !== undefined}
        error={badURL}
      >
        <Input
          data-testid={testIds.configEditor.url}
          value={options.url}
          onChange={onURL}
          placeholder={exampleURL[kind]}
          width={50}
        />
      </InlineField>
      <InlineField
        label="Timeout"
        labelWidth={labelWidth}
        tooltip="Seconds one request to the cluster may take, retries of 429 and 503 answers included."
        invalid={badTimeout !== undefined}
        error={badTimeout}
      >
        <Input
          data-testid={testIds.configEditor.timeout}
          type="number"
          min={1}
          max={maxTimeout}
          value={options.jsonData.timeout ?? ''}
          onChange={onTimeout}
          placeholder={String(defaultTimeout)}
          suffix="s"
          width={20}
        />
      </InlineField>
    </FieldSet>
  );
}
