/**
 * Finding template variable references in text, with the shapes Grafana's
 * template service replaces: $var, ${var}, ${var.path}, ${var:format},
 * [[var]] and [[var:format]].
 */

/** One variable reference as written in the text. */
export interface VariableRef {
  /** The text as written, e.g. "${service:csv}". */
  match: string;
  name: string;
  /** True when the reference names its own format (${var:raw}, [[var:csv]]). */
  explicitFormat: boolean;
}

// The same pattern as Grafana's variableRegex, anchored where it is tried.
const VARIABLE_AT = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/y;

/**
 * Macros the backend expands itself (pkg/query.ExpandMacros): alert rules run
 * without a browser, so the frontend leaves them in the query.
 */
export const BACKEND_MACROS = new Set([
  '__interval',
  '__interval_ms',
  '__from',
  '__to',
  '__range',
  '__range_s',
  '__range_ms',
]);

/** variableAt returns the variable reference starting at offset i of text, if any. */
export function variableAt(text: string, i: number): VariableRef | undefined {
  const c = text[i];
  if (c !== '$' && c !== '[') {
    return undefined;
  }
  VARIABLE_AT.lastIndex = i;
  const m = VARIABLE_AT.exec(text);
  if (!m) {
    return undefined;
  }
  const name = m[1] ?? m[2] ?? m[4] ?? '';
  return { match: m[0], name, explicitFormat: m[3] !== undefined || m[6] !== undefined };
}

/** isBackendMacro says the reference is one the backend resolves. */
export function isBackendMacro(ref: VariableRef): boolean {
  return BACKEND_MACROS.has(ref.name);
}
