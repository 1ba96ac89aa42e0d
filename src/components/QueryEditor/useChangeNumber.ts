import { ChangeEvent, useCallback } from 'react';

/** parseOptionalInt reads a whole number from an input; empty or invalid text clears it. */
export function parseOptionalInt(text: string): number | undefined {
  const n = parseInt(text, 10);
  return Number.isNaN(n) ? undefined : n;
}

/** useChangeNumber returns an input handler that passes the parsed number (or undefined) on. */
export function useChangeNumber(onChange: (n: number | undefined) => void) {
  return useCallback((e: ChangeEvent<HTMLInputElement>) => onChange(parseOptionalInt(e.target.value)), [onChange]);
}
