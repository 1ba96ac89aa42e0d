import { useEffect, useState } from 'react';

import { ResourceClient, validateQuery } from '../../resources';
import { ValidateResponse } from '../../types';

/** The delay between the last keystroke and the validate call. */
export const VALIDATE_DELAY_MS = 300;

/** The error the backend's parser reports for the current text, if any. */
export type ValidationError = NonNullable<ValidateResponse['error']>;

/**
 * useValidation asks the backend's validate resource about text once typing
 * pauses; answers for text that has since changed are dropped.
 */
export function useValidation(
  client: ResourceClient,
  text: string,
  delayMs = VALIDATE_DELAY_MS
): ValidationError | undefined {
  const [result, setResult] = useState<{ text: string; error?: ValidationError }>({ text: '' });
  useEffect(() => {
    if (text.trim() === '') {
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      validateQuery(client, text)
        .then((res) => {
          if (current) {
            setResult({ text, error: res.valid ? undefined : res.error });
          }
        })
        .catch((err: unknown) => {
          if (current) {
            const message = err instanceof Error ? err.message : 'the validate resource failed';
            setResult({ text, error: { message: 'cannot validate the query: ' + message, offset: 0, column: 0 } });
          }
        });
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, text, delayMs]);
  return result.text === text && text.trim() !== '' ? result.error : undefined;
}
