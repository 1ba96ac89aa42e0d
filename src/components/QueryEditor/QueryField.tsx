import { css, cx } from '@emotion/css';
import React, { KeyboardEvent, useMemo, useRef, useState } from 'react';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { FieldInfo } from '../../types';
import { testIds } from '../testIds';
import { tokenize, TokenKind } from './highlight';
import { fieldPrefixAt, indexOfColumn, markEnd } from './position';
import { ValidationError } from './useValidation';

interface Props {
  value: string;
  onChange: (text: string) => void;
  onBlur?: () => void;
  /** Runs the query (Shift+Enter). */
  onRunQuery?: () => void;
  error?: ValidationError;
  fields: FieldInfo[];
  placeholder?: string;
}

const MAX_SUGGESTIONS = 8;

/**
 * QueryField is the query language's code editor: a textarea over a
 * highlighted copy of its text, with the backend's syntax error marked where
 * it is and field names completed. It is a light editor rather than Monaco,
 * whose loader fetches from a CDN this plugin cannot rely on.
 */
export function QueryField({ value, onChange, onBlur, onRunQuery, error, fields, placeholder }: Props) {
  const styles = useStyles2(getStyles);
  const area = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState<number | undefined>(undefined);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState<string | undefined>(undefined);

  const completion = useMemo(() => {
    if (caret === undefined) {
      return undefined;
    }
    const at = fieldPrefixAt(value, caret);
    if (!at) {
      return undefined;
    }
    const lower = at.prefix.toLowerCase();
    const names = fields
      .map((f) => f.name)
      .filter((n) => n.toLowerCase().startsWith(lower) && n !== at.prefix)
      .slice(0, MAX_SUGGESTIONS);
    return names.length > 0 ? { ...at, names } : undefined;
  }, [caret, value, fields]);
  const open = completion !== undefined && dismissed !== value;

  const accept = (name: string) => {
    if (!completion) {
      return;
    }
    const next = value.slice(0, completion.start) + name + ':' + value.slice(caret);
    const pos = completion.start + name.length + 1;
    onChange(next);
    setCaret(pos);
    setSelected(0);
    requestAnimationFrame(() => area.current?.setSelectionRange(pos, pos));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open && completion) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = completion.names.length;
        setSelected((s) => (s + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        accept(completion.names[Math.min(selected, completion.names.length - 1)]);
        return;
      }
      if (e.key === 'Escape') {
        setDismissed(value);
        return;
      }
    }
    if (e.key === 'Enter' && e.shiftKey) {
      e.preventDefault();
      onRunQuery?.();
    }
  };

  const trackCaret = () => setCaret(area.current?.selectionStart ?? undefined);
  const markStart = error && error.column >= 1 ? indexOfColumn(value, error.column) : undefined;

  return (
    <div className={styles.wrapper}>
      <div className={styles.editor}>
        <pre
          className={cx(styles.layer, styles.highlight)}
          aria-hidden="true"
          data-testid={testIds.queryEditor.highlight}
        >
          {renderHighlighted(value, markStart, styles)}
          {'\n'}
        </pre>
        <textarea
          ref={area}
          data-testid={testIds.queryEditor.query}
          aria-label="Query"
          aria-invalid={error !== undefined}
          className={cx(styles.layer, styles.input)}
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          rows={1}
          onChange={(e) => {
            onChange(e.target.value);
            setCaret(e.target.selectionStart);
            setSelected(0);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={trackCaret}
          onClick={trackCaret}
          onBlur={() => {
            setCaret(undefined);
            onBlur?.();
          }}
        />
      </div>
      {open && completion && (
        <ul className={styles.suggestions} role="listbox" data-testid={testIds.queryEditor.suggestions}>
          {completion.names.map((name, i) => (
            <li
              key={name}
              role="option"
              aria-selected={i === selected}
              className={cx(styles.suggestion, i === selected && styles.suggestionSelected)}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(name);
              }}
            >
              {name}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div className={styles.error} role="alert" data-testid={testIds.queryEditor.error}>
          {error.column >= 1 ? `${error.message} (column ${error.column})` : error.message}
        </div>
      )}
    </div>
  );
}

type Styles = ReturnType<typeof getStyles>;

function renderHighlighted(text: string, markStart: number | undefined, styles: Styles): React.ReactNode[] {
  const out: React.ReactNode[] = [];
  const end = markStart === undefined ? -1 : markEnd(text, markStart);
  let pos = 0;
  let key = 0;
  const emit = (kind: TokenKind, s: string) => {
    if (s !== '') {
      out.push(
        <span key={key++} className={styles.token[kind]}>
          {s}
        </span>
      );
    }
  };
  for (const token of tokenize(text)) {
    const tEnd = pos + token.text.length;
    if (markStart !== undefined && markStart < tEnd && end > pos) {
      // Split the token around the marked range.
      const a = Math.max(markStart, pos) - pos;
      const b = Math.min(end, tEnd) - pos;
      emit(token.kind, token.text.slice(0, a));
      out.push(
        <mark
          key={key++}
          className={styles.mark}
          data-testid={testIds.queryEditor.errorMark}
          data-offset={Math.max(markStart, pos)}
        >
          {token.text.slice(a, b)}
        </mark>
      );
      emit(token.kind, token.text.slice(b));
    } else {
      emit(token.kind, token.text);
    }
    pos = tEnd;
  }
  if (markStart !== undefined && markStart >= text.length) {
    // The error is at the end of the text: mark the place a value is missing.
    out.push(
      <mark key={key++} className={styles.mark} data-testid={testIds.queryEditor.errorMark} data-offset={text.length}>
        {' '}
      </mark>
    );
  }
  return out;
}

const getStyles = (theme: GrafanaTheme2) => {
  const font = css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    lineHeight: '20px',
    padding: theme.spacing(0.5, 1),
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    overflowWrap: 'anywhere',
    letterSpacing: 'normal',
    tabSize: 4,
  });
  return {
    wrapper: css({ position: 'relative', width: '100%' }),
    editor: css({
      position: 'relative',
      minHeight: 30,
      border: `1px solid ${theme.components.input.borderColor}`,
      borderRadius: theme.shape.radius.default,
      background: theme.components.input.background,
    }),
    layer: cx(font, css({ margin: 0, border: 0, boxSizing: 'border-box', width: '100%' })),
    highlight: css({ pointerEvents: 'none', color: theme.colors.text.primary, minHeight: 28 }),
    input: css({
      position: 'absolute',
      inset: 0,
      height: '100%',
      resize: 'none',
      overflow: 'hidden',
      background: 'transparent',
      color: 'transparent',
      caretColor: theme.colors.text.primary,
      outline: 'none',
      '&::placeholder': { color: theme.colors.text.disabled },
    }),
    mark: css({
      background: 'transparent',
      color: 'inherit',
      textDecoration: `wavy underline ${theme.colors.error.main}`,
      textDecorationSkipInk: 'none',
      textUnderlineOffset: 3,
    }),
    error: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize, marginTop: 2 }),
    suggestions: css({
      position: 'absolute',
      zIndex: theme.zIndex.dropdown,
      listStyle: 'none',
      margin: 0,
      padding: theme.spacing(0.5, 0),
      background: theme.colors.background.primary,
      border: `1px solid ${theme.colors.border.medium}`,
      boxShadow: theme.shadows.z2,
      minWidth: 200,
    }),
    suggestion: css({
      padding: theme.spacing(0.25, 1),
      cursor: 'pointer',
      fontFamily: theme.typography.fontFamilyMonospace,
    }),
    suggestionSelected: css({ background: theme.colors.action.selected }),
    token: {
      field: css({ color: theme.visualization.getColorByName('blue') }),
      keyword: css({
        color: theme.visualization.getColorByName('purple'),
        fontWeight: theme.typography.fontWeightMedium,
      }),
      operator: css({ color: theme.colors.text.secondary }),
      phrase: css({ color: theme.visualization.getColorByName('green') }),
      variable: css({ color: theme.visualization.getColorByName('orange') }),
      wildcard: css({ color: theme.visualization.getColorByName('yellow') }),
      text: css({}),
      space: css({}),
    } satisfies Record<TokenKind, string>,
  };
};
