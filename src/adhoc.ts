/**
 * Ad hoc filters as query clauses. Grafana passes the active filters to
 * applyTemplateVariables (Scenes dashboards) or in request.filters; each
 * becomes a structured clause written with pkg/query's escaping rules and
 * ANDed to the query.
 */
import { AdHocVariableFilter } from '@grafana/data';

import { escapeComparand, escapeTerm } from './interpolation/escape';

/** The operators Triage turns into clauses; `=|` and `!=|` need multiValueFilterOperators in plugin.json. */
export const ADHOC_OPERATORS = ['=', '!=', '=~', '!~', '<', '>', '=|', '!=|'] as const;

const NOTHING = '(NOT *)';

/** filterToClause writes one ad hoc filter as a clause; unknown operators give undefined. */
export function filterToClause(f: AdHocVariableFilter): string | undefined {
  const field = escapeTerm(f.key, 'field') + ':';
  switch (f.operator) {
    case '=':
      return field + escapeTerm(f.value, 'value');
    case '!=':
      return 'NOT ' + field + escapeTerm(f.value, 'value');
    case '<':
    case '>':
      return field + f.operator + escapeComparand(f.value);
    case '=|':
      return setClause(field, f.values ?? [f.value]);
    case '!=|': {
      const set = setClause(field, f.values ?? [f.value]);
      return set === NOTHING ? '*' : 'NOT ' + set;
    }
    case '=~':
      return regexClause(field, f.value);
    case '!~':
      return 'NOT ' + wrap(regexClause(field, f.value));
  }
  return undefined;
}

function setClause(field: string, values: string[]): string {
  if (values.length === 0) {
    return NOTHING;
  }
  if (values.length === 1) {
    return field + escapeTerm(values[0], 'value');
  }
  return field + 'IN [' + values.map((v) => escapeTerm(v, 'bound')).join(' ') + ']';
}

function wrap(clause: string): string {
  return clause.includes(' OR ') && !clause.startsWith('(') ? '(' + clause + ')' : clause;
}

/**
 * regexClause translates the regular expressions the query language can
 * express: `.*` (field exists), literals, `lit.*` (prefix) and alternations
 * of those (`a|b|c.*`). Any other pattern is searched as a literal value.
 */
function regexClause(field: string, pattern: string): string {
  const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  const alternatives = splitAlternatives(body);
  if (alternatives === undefined) {
    return field + escapeTerm(pattern, 'value');
  }
  if (alternatives.some((a) => a.prefix && a.text === '')) {
    return field + '*';
  }
  if (alternatives.every((a) => !a.prefix)) {
    return setClause(
      field,
      alternatives.map((a) => a.text)
    );
  }
  const clauses = alternatives.map((a) => field + escapeTerm(a.text, 'value') + (a.prefix ? '*' : ''));
  return clauses.length === 1 ? clauses[0] : '(' + clauses.join(' OR ') + ')';
}

interface Alternative {
  text: string;
  prefix: boolean;
}

// splitAlternatives parses `lit(.*)?|lit(.*)?…`; a regex escape (`\.`) is a literal.
function splitAlternatives(body: string): Alternative[] | undefined {
  const out: Alternative[] = [];
  let text = '';
  for (let i = 0; i <= body.length; i++) {
    const c = body[i];
    if (c === undefined || c === '|') {
      const prefix = text.endsWith('\u0000');
      out.push({ text: prefix ? text.slice(0, -1) : text, prefix });
      text = '';
      continue;
    }
    if (text.endsWith('\u0000')) {
      return undefined; // '.*' only at the end of an alternative
    }
    if (c === '\\' && i + 1 < body.length) {
      text += body[i + 1];
      i++;
    } else if (c === '.' && (body[i + 1] === '*' || body[i + 1] === '+')) {
      text += '\u0000';
      i++;
    } else if ('.*+?()[]{}^$'.includes(c)) {
      return undefined;
    } else {
      text += c;
    }
  }
  return out;
}

/** applyAdhocFilters ANDs the filters' clauses to query text. */
export function applyAdhocFilters(query: string, filters: AdHocVariableFilter[] | undefined): string {
  const clauses = (filters ?? []).map(filterToClause).filter((c): c is string => c !== undefined);
  if (clauses.length === 0) {
    return query;
  }
  const q = query.trim();
  const parts = q === '' || q === '*' ? clauses : ['(' + q + ')', ...clauses];
  return parts.join(' AND ');
}
