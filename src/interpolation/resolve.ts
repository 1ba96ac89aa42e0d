/**
 * Resolving one variable reference through Grafana's template service, so
 * Grafana's own code decides values, All, custom all values, scoped variables
 * and explicit formats.
 */
import { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';

import { VariableRef, isBackendMacro } from './variables';

/** What a variable reference stands for at interpolation time. */
export type ResolvedValue =
  /** Selected values (one for a single-value variable; none for an empty multi-value). */
  | { kind: 'list'; values: string[] }
  /** All is selected and the variable has no custom all value: any value matches. */
  | { kind: 'all'; values: string[] }
  /** Text to splice as written: an explicit format, a custom all value, an unknown variable or a backend macro. */
  | { kind: 'text'; text: string };

// The text Grafana's template service gives ${var:text} when All is selected.
const ALL_TEXT = 'All';

interface FormatVariable {
  includeAll?: boolean;
}

/** resolveRef asks the template service what ref stands for. */
export function resolveRef(ref: VariableRef, scopedVars: ScopedVars | undefined): ResolvedValue {
  if (isBackendMacro(ref)) {
    return { kind: 'text', text: ref.match };
  }
  const srv = getTemplateSrv();
  if (ref.explicitFormat) {
    return { kind: 'text', text: srv.replace(ref.match, scopedVars) };
  }
  let seen: { value: unknown; variable?: FormatVariable } | undefined;
  const text = srv.replace(ref.match, scopedVars, (value: unknown, variable?: FormatVariable) => {
    seen = { value, variable };
    return Array.isArray(value) ? value.join(',') : String(value);
  });
  if (seen === undefined) {
    // Grafana skipped formatting: a custom all value, or nothing to replace.
    return { kind: 'text', text };
  }
  const values = (Array.isArray(seen.value) ? seen.value : [seen.value]).map((v) => String(v));
  const scoped = scopedVars !== undefined && Object.prototype.hasOwnProperty.call(scopedVars, ref.name);
  if (Array.isArray(seen.value) && seen.variable?.includeAll && !scoped && isAllSelected(ref.name, scopedVars)) {
    return { kind: 'all', values };
  }
  return { kind: 'list', values };
}

function isAllSelected(name: string, scopedVars: ScopedVars | undefined): boolean {
  return getTemplateSrv().replace('${' + name + ':text}', scopedVars) === ALL_TEXT;
}

/**
 * plainValue formats a variable for a non-query field (interval, field
 * names, limit): values joined by commas, backend macros kept.
 */
export function plainValue(ref: VariableRef, scopedVars: ScopedVars | undefined): string {
  const v = resolveRef(ref, scopedVars);
  return v.kind === 'text' ? v.text : v.values.join(',');
}
