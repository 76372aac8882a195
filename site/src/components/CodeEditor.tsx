// One labelled CodeMirror 6 editor (YAML or JSON) with line numbers, syntax highlighting, and the
// lines that have problems marked. Tab moves focus out of the editor (keyboard users are not
// trapped); indentation is by the Enter key's auto-indent and spaces. Wrapped lines keep their
// indentation, the editor measures its lines even while it is below the fold (so its line numbers
// sit beside their lines before it is scrolled into view), and the cursor is never scrolled under
// the phone's sticky decision bar.
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import CodeMirror, { Decoration, EditorView, StateEffect, StateField, ViewPlugin, type DecorationSet, type Extension, type Range, type ViewUpdate } from '@uiw/react-codemirror';
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

// A wrapped line's rows after the first start under its text, not at column 0 (a wrapped YAML key
// would otherwise look top-level). Each indented line is padded by its indentation (leading spaces
// and YAML list markers, `- `) and its first row pulled back by as much: a hanging indent, in `ch`,
// which is one character of the monospace font. 6px is CodeMirror's own left padding of a line.
// The whole document is decorated, not only the lines in view: the editors hold a few hundred lines
// at most, and an editor below the fold must be laid out as it will be shown (see measureOutOfView).
const hangingDeco = (width: number) => Decoration.line({ attributes: { style: `padding-left: calc(6px + ${width}ch); text-indent: -${width}ch` } });
const INDENT = /^[ \t]*(?:-[ \t]+)*/;
function hangingIndents(doc: EditorView['state']['doc']): DecorationSet {
  const ranges: Range<Decoration>[] = [];
  for (let n = 1; n <= doc.lines; n++) {
    const line = doc.line(n);
    const width = INDENT.exec(line.text)![0].length;
    if (width > 0 && width < line.length) ranges.push(hangingDeco(width).range(line.from));
  }
  return Decoration.set(ranges);
}
const hangingIndent = StateField.define<DecorationSet>({
  create: (state) => hangingIndents(state.doc),
  update: (deco, tr) => (tr.docChanged ? hangingIndents(tr.state.doc) : deco),
  provide: (f) => EditorView.decorations.from(f),
});

// CodeMirror measures its lines only while it is in the window; until then its line numbers are
// placed at a guessed 14 px line height. A scroll snapshot (which restores the editor's own scroll
// position, never the page's) makes its next measurement run even out of view: once when the
// editor is created, and after each change of its text that happens out of view (a preset loaded).
const measureOutOfView = ViewPlugin.fromClass(
  class {
    #destroyed = false;
    constructor(readonly view: EditorView) {
      this.#snapshot();
    }
    update(update: ViewUpdate) {
      if (update.docChanged && !update.view.inView) this.#snapshot();
    }
    destroy() {
      this.#destroyed = true;
    }
    // Dispatched in a microtask: not during an update, and before the measurement it must reach.
    #snapshot() {
      queueMicrotask(() => {
        if (!this.#destroyed) this.view.dispatch({ effects: this.view.scrollSnapshot() });
      });
    }
  },
);

// Sticky bars over the page (the phone's decision bar, marked `data-sticky-top`) must not hide the
// cursor: when CodeMirror scrolls the cursor into view it keeps it below them.
const clearOfStickyBars = EditorView.scrollMargins.of((view) => {
  let top = 0;
  for (const bar of view.dom.ownerDocument.querySelectorAll<HTMLElement>('[data-sticky-top]')) {
    if (getComputedStyle(bar).position === 'sticky') top = Math.max(top, bar.offsetHeight);
  }
  return top > 0 ? { top: top + 8 } : null;
});

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
      hangingIndent,
      measureOutOfView,
      clearOfStickyBars,
      EditorView.contentAttributes.of({
        // The text is focusable (it is contenteditable); saying so also tells checkers such as axe
        // that the editor's scrolling region can be reached from the keyboard.
        tabindex: '0',
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
