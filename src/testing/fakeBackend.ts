/**
 * A stand-in for the backend's resources in component and browser tests.
 * Its `validate` answers in the backend's exact shape and reports two of the
 * parser's errors (an unterminated phrase, a field with no value), computing
 * `offset` as a UTF-8 byte offset and `column` as a 1-based rune column the
 * way pkg/query's SyntaxError does. Template variables are accepted as values.
 */
import { ResourceClient } from '../resources';
import { FieldInfo, ValidateResponse, ValueCount } from '../types';

function errorAt(text: string, index: number, message: string): ValidateResponse {
  const before = text.slice(0, index);
  return {
    valid: false,
    error: {
      message,
      offset: new TextEncoder().encode(before).length,
      column: Array.from(before).length + 1,
    },
  };
}

/** fakeValidate mimics the validate resource for the errors above. */
export function fakeValidate(text: string): ValidateResponse {
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
    } else if (c === '"') {
      open = open < 0 ? i : -1;
    } else if (
      open < 0 &&
      c === ':' &&
      /^[\w.]+$/.test(
        text
          .slice(0, i)
          .split(/[\s()]/)
          .pop() ?? ''
      )
    ) {
      const next = text[i + 1];
      if (next === undefined || /\s/.test(next)) {
        const field = text
          .slice(0, i + 1)
          .split(/[\s()]/)
          .pop();
        return errorAt(text, i + 1, `expected a value after '${field}'`);
      }
    }
  }
  if (open >= 0) {
    return errorAt(text, open, `missing closing '"' for the phrase opened`);
  }
  return { valid: true };
}

/** The fields the fake backend's index has. */
export const FAKE_FIELDS: FieldInfo[] = [
  { name: 'service', type: 'text', aggregatable: true },
  { name: 'severity', type: 'text', aggregatable: true },
  { name: 'latency_ms', type: 'f64', aggregatable: true },
  { name: 'status_code', type: 'u64', aggregatable: true },
  { name: 'message', type: 'text', aggregatable: false },
];

/** The values the fake backend's `values` resource answers. */
export const FAKE_VALUES: ValueCount[] = [
  { value: 'payment-service', count: 123 },
  { value: 'auth', count: 45 },
];

/** FakeBackend answers validate, fields and values and records every call. */
export class FakeBackend implements ResourceClient {
  readonly calls: Array<{ path: string; params?: Record<string, string | number> }> = [];
  readonly defaultIndex = 'logs';

  getResource<T>(path: string, params?: Record<string, string | number>): Promise<T> {
    this.calls.push({ path, params });
    switch (path) {
      case 'validate':
        return Promise.resolve(fakeValidate(String(params?.query ?? '')) as T);
      case 'fields':
        return Promise.resolve({ fields: FAKE_FIELDS } as T);
      case 'values':
        return Promise.resolve({ values: FAKE_VALUES } as T);
    }
    return Promise.reject(new Error(`no resource ${path}`));
  }
}
