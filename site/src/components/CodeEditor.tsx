// One labelled CodeMirror 6 editor (YAML or JSON) with line numbers, syntax highlighting, and the
// lines that have problems marked. Tab moves focus out of the editor (keyboard users are not
// trapped); indentation is by the Enter key's auto-indent and spaces.
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import CodeMirror, { Decoration, EditorView, StateEffect, StateField, type Extension, type Range } from '@uiw/react-codemirror';
import { useEffect, useId, useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type { EditorIssue } from '../lib/evaluate-workspace';

const setErrorLines = StateEffect.define<number[]>();
const errorLine = Decoration.line({ class: 'cm-error-line' });

// Marks whole lines (1-based numbers) that have an error; cleared and re-set on every evaluation.
const errorLines = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrorLines)) continue;
      const ranges: Range<Decoration>[] = [];
      for (const n of [...new Set(e.value)].sort((a, b) => a - b)) {
        if (n >= 1 && n <= tr.state.doc.lines) ranges.push(errorLine.range(tr.state.doc.line(n).from));
      }
      deco = Decoration.set(ranges);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** What the playground may do to an editor from outside (the explanation's links to policy lines). */
export interface CodeEditorHandle {
  /** Puts the cursor at a 1-based line and column (code points), scrolls it into view and focuses the editor. */
  goTo(line: number, column?: number): void;
}

/** What the playground tells an editor. */
export interface CodeEditorProps {
  id: string;
  label: string;
  language: 'yaml' | 'json';
  value: string;
  onChange: (value: string) => void;
  /** Problems in this editor's text; their lines are marked and listed under it. */
  issues: readonly EditorIssue[] | undefined;
  /** Taller editors for longer documents. */
  minHeight?: string;
  maxHeight?: string;
  /** Receives the editor's {@link CodeEditorHandle}. */
  editorRef?: Ref<CodeEditorHandle>;
}

/**
 * A labelled code editor. Problems are listed below it as buttons that put the cursor on their line.
 *
 * @example
 * ```tsx
 * <CodeEditor id="policy" label="Policy (YAML)" language="yaml" value={text} onChange={setText} issues={errors.policy} />
 * ```
 */
export function CodeEditor({ id, label, language, value, onChange, issues, minHeight = '8rem', maxHeight = '24rem', editorRef }: CodeEditorProps) {
  const viewRef = useRef<EditorView | null>(null);
  const labelId = useId();
  const errorsId = useId();
  const hasIssues = !!issues && issues.length > 0;

  const extensions = useMemo<Extension[]>(
    () => [
      language === 'yaml' ? yaml() : json(),
      errorLines,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-labelledby': labelId,
        'aria-multiline': 'true',
        'aria-invalid': hasIssues ? 'true' : 'false',
        ...(hasIssues ? { 'aria-describedby': errorsId } : {}),
        'data-editor': id,
      }),
    ],
    [language, labelId, errorsId, hasIssues, id],
  );

  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const lines = (issues ?? []).flatMap((i) => (i.line !== undefined ? [i.line] : []));
    view.dispatch({ effects: setErrorLines.of(lines) });
  }, [issues]);

  const goToLine = (lineNumber: number, column = 1) => {
    const view = viewRef.current;
    if (!view) return;
    const line = view.state.doc.line(Math.min(Math.max(lineNumber, 1), view.state.doc.lines));
    // The SDK counts columns in code points; CodeMirror positions are UTF-16 offsets.
    const chars = Array.from(line.text).slice(0, Math.max(column - 1, 0));
    const pos = Math.min(line.from + chars.join('').length, line.to);
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    view.focus();
  };
  const goTo = (issue: EditorIssue) => {
    if (issue.line !== undefined) goToLine(issue.line, issue.column);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: goToLine reads the view through a ref
  useImperativeHandle(editorRef, () => ({ goTo: goToLine }), []);

  return (
    <section className={`editor${hasIssues ? ' editor--invalid' : ''}`} data-editor-panel={id}>
      <h3 className="editor__label" id={labelId}>
        {label}
      </h3>
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={extensions}
        minHeight={minHeight}
        maxHeight={maxHeight}
        indentWithTab={false}
        basicSetup={{ tabSize: 2, foldGutter: false, highlightActiveLine: true, autocompletion: false }}
        onCreateEditor={(view) => {
          viewRef.current = view;
          const lines = (issues ?? []).flatMap((i) => (i.line !== undefined ? [i.line] : []));
          view.dispatch({ effects: setErrorLines.of(lines) });
        }}
      />
      {hasIssues && (
        <ul className="editor__issues" id={errorsId} aria-label={`Problems in ${label}`} data-testid={`issues-${id}`}>
          {issues!.map((issue, k) => (
            <li key={k}>
              {issue.line !== undefined ? (
                <button type="button" className="issue-link" onClick={() => goTo(issue)}>
                  Line {issue.line}, column {issue.column ?? 1}
                </button>
              ) : null}{' '}
              {issue.path ? <code className="issue-path">{issue.path}</code> : null}
              {issue.path ? ': ' : ''}
              <span className="issue-message">{issue.message}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
