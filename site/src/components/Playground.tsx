// The playground island: presets, five editors, live (debounced) evaluation with the real SDK in
// the browser, the decision, a shareable URL and the audit log. No server is involved.
import { useCallback, useEffect, useRef, useState } from 'react';
import { evaluateWorkspace, type WorkspaceResult } from '../lib/evaluate-workspace';
import { findPreset, matchPreset, PRESET_GROUPS, PRESETS, type Preset } from '../lib/presets';
import { decodeWorkspace, encodeWorkspace, SHARE_PARAM, sharedFromHash } from '../lib/share';
import { EDITOR_IDS, EDITORS, type EditorId, type Workspace } from '../lib/workspace';
import { withOrder } from '../lib/intent-text';
import { AuditPanel } from './AuditPanel';
import { CodeEditor, type CodeEditorHandle } from './CodeEditor';
import { DecisionBar } from './DecisionBar';
import { DecisionView } from './DecisionView';
import { DecisionExtras } from './sim/DecisionExtras';

// How long typing must pause before the workspace is evaluated again.
const DEBOUNCE_MS = 250;

type Good = Extract<WorkspaceResult, { ok: true }>;

const firstPreset = PRESETS[0]!;

/**
 * The playground. Restores the workspace from the URL fragment (`#w=…` a shared workspace,
 * `#preset=ID` a preset) when there is one. While not `active` (the simulator mode is shown) it
 * leaves the address bar to the simulator.
 *
 * @example
 * ```astro
 * <Playground client:load />
 * ```
 */
export function Playground({ active = true }: { active?: boolean } = {}) {
  const [ws, setWs] = useState<Workspace>(firstPreset.workspace);
  const [presetId, setPresetId] = useState<string | null>(firstPreset.id);
  const [result, setResult] = useState<WorkspaceResult | null>(null);
  const [lastGood, setLastGood] = useState<Good | null>(null);
  const [restored, setRestored] = useState(false);
  const [linkProblem, setLinkProblem] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const seq = useRef(0);
  // The server-rendered buttons do nothing until React has hydrated them: keep them disabled until then.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const wsRef = useRef(ws);
  wsRef.current = ws;
  const policyEditor = useRef<CodeEditorHandle>(null);
  const activeRef = useRef(active);
  activeRef.current = active;

  // On a phone each preset group is a row that scrolls sideways: bring the chosen preset into its
  // row's view (a preset opened from a link may be far to the right). Only the row scrolls, never the page.
  const strips = useRef(new Set<HTMLUListElement>());
  const stripRef = useCallback((el: HTMLUListElement | null) => {
    if (el) strips.current.add(el);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: presetId is the trigger (the pressed button is read from the DOM after it changes)
  useEffect(() => {
    for (const strip of strips.current) {
      if (!strip.isConnected) {
        strips.current.delete(strip);
        continue;
      }
      const pressed = strip.querySelector<HTMLElement>('button[aria-pressed="true"]');
      if (!pressed || strip.scrollWidth <= strip.clientWidth) continue;
      const left = pressed.offsetLeft - strip.offsetLeft;
      if (left < strip.scrollLeft || left + pressed.offsetWidth > strip.scrollLeft + strip.clientWidth) strip.scrollLeft = Math.max(0, left - 8);
    }
  }, [presetId]);

  // Restore a shared workspace (`#w=…`) or a preset (`#preset=ID`) from the URL fragment: once on
  // load, before the first evaluation, and again when the user pastes another link into this tab.
  useEffect(() => {
    const restore = async (initial: boolean) => {
      const hash = window.location.hash;
      const encoded = sharedFromHash(hash);
      const wanted = new URLSearchParams(hash.slice(1)).get('preset');
      if (encoded) {
        try {
          const shared = await decodeWorkspace(encoded);
          setWs(shared);
          setPresetId(matchPreset(shared)?.id ?? null);
          setLinkProblem(null);
        } catch (e) {
          setLinkProblem(`This link's workspace could not be restored: ${(e as Error).message}. ${initial ? 'Showing the first preset instead.' : 'The workspace is unchanged.'}`);
        }
      } else if (wanted) {
        const preset = findPreset(wanted);
        if (preset) {
          setWs(preset.workspace);
          setPresetId(preset.id);
          setLinkProblem(null);
        } else setLinkProblem(`There is no preset '${wanted}'. ${initial ? 'Showing the first preset instead.' : 'The workspace is unchanged.'}`);
      } else if (!initial && activeRef.current) {
        // Another fragment (the skip link's #main): put the workspace back into the address bar.
        history.replaceState(null, '', `#${SHARE_PARAM}=${await encodeWorkspace(wsRef.current)}`);
      }
      setRestored(true);
    };
    void restore(true);
    const onHashChange = () => void restore(false);
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  // Evaluate (debounced) and keep the URL in step with the workspace (again when this mode is shown).
  // biome-ignore lint/correctness/useExhaustiveDependencies: active is a trigger (read through activeRef)
  useEffect(() => {
    if (!restored) return;
    const mine = ++seq.current;
    const timer = setTimeout(async () => {
      const next = await evaluateWorkspace(ws);
      if (mine !== seq.current) return; // a newer edit is already being evaluated
      setResult(next);
      if (next.ok) setLastGood(next);
      const encoded = await encodeWorkspace(ws);
      if (mine !== seq.current || !activeRef.current) return;
      history.replaceState(null, '', `#${SHARE_PARAM}=${encoded}`);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [ws, restored, active]);

  const edit = useCallback((id: EditorId, text: string) => {
    setWs((prev) => (prev[id] === text ? prev : { ...prev, [id]: text }));
    setPresetId(null);
  }, []);

  const load = (preset: Preset) => {
    setWs(preset.workspace);
    setPresetId(preset.id);
    setLinkProblem(null);
  };

  const copyLink = async () => {
    const url = `${location.origin}${location.pathname}#${SHARE_PARAM}=${await encodeWorkspace(ws)}`;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied to the clipboard.');
    } catch {
      setCopied('Copy the address from the address bar: it holds the whole workspace.');
    }
  };

  const errors = result && !result.ok ? result.errors : {};
  const shown = result?.ok ? result : lastGood;
  const stale = !!result && !result.ok;
  const activePreset = PRESETS.find((p) => p.id === presetId);
  const problemCount = Object.values(errors).reduce((n, list) => n + (list?.length ?? 0), 0);

  return (
    <div className="playground">
      <section className="presets" aria-labelledby="presets-title">
        <h2 id="presets-title">Presets</h2>
        {PRESET_GROUPS.map(({ group, title }) => (
          <div key={group} className="presets__group">
            <h3 className="presets__group-title" id={`presets-group-${group}`}>
              {title} <span className="presets__swipe">· {PRESETS.filter((p) => p.group === group).length} presets, swipe →</span>
            </h3>
            <ul className="presets__list" aria-labelledby={`presets-group-${group}`} data-preset-group={group} ref={stripRef}>
              {PRESETS.filter((p) => p.group === group).map((p) => (
                <li key={p.id}>
                  <button type="button" className="preset" aria-pressed={p.id === presetId} data-preset={p.id} onClick={() => load(p)} disabled={!hydrated}>
                    {p.title}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <p className="presets__story" aria-live="polite">
          {activePreset ? activePreset.story : 'Your own workspace: edit any editor and the decision follows.'}
        </p>
      </section>

      {linkProblem && (
        <p className="banner banner--error" role="alert" data-testid="link-problem">
          {linkProblem}
        </p>
      )}

      <div className="workbench">
        <DecisionBar decision={shown?.decision ?? null} requestedQty={shown?.inputs.intent.qty} problemCount={stale ? problemCount : 0} />
        <section className="editors" aria-label="Inputs">
          {EDITOR_IDS.map((id) => (
            <CodeEditor
              key={id}
              id={id}
              label={EDITORS[id].label}
              language={EDITORS[id].language}
              value={ws[id]}
              onChange={(text) => edit(id, text)}
              issues={errors[id]}
              minHeight={id === 'policy' ? '20rem' : '6rem'}
              maxHeight={id === 'policy' ? '40rem' : '22rem'}
              editorRef={id === 'policy' ? policyEditor : undefined}
            />
          ))}
        </section>

        <section className="results" aria-labelledby="decision-title">
          <h2 id="decision-title">Decision</h2>
          {stale && (
            <p className="banner banner--error" data-testid="problems-summary">
              {problemCount} problem{problemCount === 1 ? '' : 's'}:{' '}
              {EDITOR_IDS.filter((id) => errors[id]?.length).map((id, k) => (
                <span key={id}>
                  {k > 0 ? '; ' : ''}
                  {EDITORS[id].label}
                  {errors[id]![0]!.line !== undefined ? ` line ${errors[id]![0]!.line}` : ''}
                </span>
              ))}
            </p>
          )}
          {shown ? (
            <DecisionView
              decision={shown.decision}
              requestedQty={shown.inputs.intent.qty}
              side={shown.inputs.intent.side}
              symbol={shown.inputs.intent.instrument.symbol}
              policyHash={shown.policyHash}
              stale={stale}
              policyText={shown.policyText}
              inputs={shown.inputs}
              onGoToPolicy={(line, column) => policyEditor.current?.goTo(line, column)}
              onUseQuantity={(side, qty) => edit('intent', withOrder(wsRef.current.intent, side, qty))}
            />
          ) : (
            <p data-testid="no-decision">{stale ? 'No decision yet: fix the problems marked in the editors.' : 'Evaluating…'}</p>
          )}

          <DecisionExtras result={shown} ws={ws} />

          <div className="share">
            <button type="button" onClick={copyLink} disabled={!hydrated}>
              Copy share link
            </button>
            <span role="status" className="share__status">
              {copied}
            </span>
          </div>

          <AuditPanel current={result?.ok ? result : null} />
        </section>
      </div>
    </div>
  );
}
