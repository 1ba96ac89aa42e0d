/**
 * Context-aware interpolation of Triage query text: each variable reference
 * is resolved through Grafana's template service and written so the result
 * parses with pkg/query.Parse and means what the selection means.
 */
import { ScopedVars } from '@grafana/data';

import { escapeValue } from './escape';
import { renderClause } from './render';
import { Piece, scanQuery } from './scanner';
import { plainValue, resolveRef, ResolvedValue } from './resolve';
import { variableAt } from './variables';

/** interpolateQuery replaces the variables of query text by context; backend macros stay. */
export function interpolateQuery(text: string, scopedVars?: ScopedVars): string {
  if (!text.includes('$') && !text.includes('[[')) {
    return text;
  }
  const cache = new Map<Piece, ResolvedValue>();
  const resolve = (p: Piece): ResolvedValue => {
    if (p.kind !== 'var') {
      return { kind: 'text', text: p.text };
    }
    let r = cache.get(p);
    if (r === undefined) {
      r = resolveRef(p.ref, scopedVars);
      cache.set(p, r);
    }
    return r;
  };
  return scanQuery(text)
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return s.text;
        case 'clause':
          return s.hasVars ? renderClause(s.clause, resolve) : s.text;
        case 'groupField':
          return renderGroupField(s.field, resolve);
      }
    })
    .join('');
}

// A field group's field name takes one value; several are written as one name.
function renderGroupField(field: Piece[], resolve: (p: Piece) => ResolvedValue): string {
  return (
    field
      .map((p, i) => {
        const r = resolve(p);
        if (p.kind === 'lit') {
          return p.text;
        }
        return r.kind === 'text' ? r.text : escapeValue(r.values.join(' '), 'field', field.length === 1, i === 0);
      })
      .join('') + ':'
  );
}

/**
 * interpolatePlain replaces the variables of a non-query field (interval,
 * field names, limit) with their plain values; backend macros stay.
 */
export function interpolatePlain(text: string, scopedVars?: ScopedVars): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const ref = variableAt(text, i);
    if (ref) {
      out += plainValue(ref, scopedVars);
      i += ref.match.length;
      continue;
    }
    out += text[i];
    i++;
  }
  return out;
}
