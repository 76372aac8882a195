// The in-page audit log: each evaluation can be appended (the SDK's buildAuditEvent into a chained
// log), verified by replaying it in the page, and downloaded as files that the CLI's
// `policygate-replay` replays: the JSONL log and every policy it used (one `--policy` each), one by
// one or together in a zip with the exact command. The log is kept in this browser's localStorage
// until it is cleared, so a reload does not lose it.
import { PolicyEngine } from 'policygate-capital';
import { buildAuditEvent, replayAuditLog } from 'policygate-capital/audit';
import { useEffect, useRef, useState } from 'react';
import { AUDIT_FILE, AUDIT_ZIP, PlaygroundAuditLog } from '../lib/audit-log';
import { AuditLogStore, formatChars } from '../lib/audit-store';
import type { WorkspaceResult } from '../lib/evaluate-workspace';
import { zipFiles } from '../lib/export/zip';

type Good = Extract<WorkspaceResult, { ok: true }>;

// Room kept for one more event's chain fields and JSON escaping when checking the cap.
const EVENT_MARGIN = 512;

function download(name: string, data: string | Uint8Array<ArrayBuffer>, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const newLog = () => new PlaygroundAuditLog(`playground-${new Date().toISOString()}`);

/**
 * The audit log panel. `current` is the evaluation on screen, or null while the inputs have errors
 * (nothing stale can be appended).
 *
 * @example
 * ```tsx
 * <AuditPanel current={result.ok ? result : null} />
 * ```
 */
export function AuditPanel({ current }: { current: Good | null }) {
  const log = useRef<PlaygroundAuditLog>(newLog());
  const store = useRef<AuditLogStore | null>(null);
  // Bumped whenever the log changes: the log itself is mutable and lives in a ref.
  const [version, setVersion] = useState(0);
  const [savedChars, setSavedChars] = useState(0);
  const [status, setStatus] = useState('');

  // After hydration (the server-rendered page has no storage): restore the saved log, and follow
  // the changes other tabs of this site make to it.
  useEffect(() => {
    let storage: Storage | null = null;
    try {
      storage = window.localStorage;
    } catch {
      // Storage blocked (a privacy setting): the log lives in this page only.
    }
    const s = new AuditLogStore(storage);
    store.current = s;
    const restore = (initial: boolean) => {
      try {
        const saved = s.load();
        if (!saved) {
          if (!initial) log.current = newLog();
          setSavedChars(0);
        } else {
          const { log: restored, problem } = PlaygroundAuditLog.restore(saved);
          log.current = restored;
          setSavedChars(JSON.stringify(saved).length);
          if (problem) setStatus(`The audit log kept in this browser did not verify: ${problem}. It is kept as it is; new events start a chain of their own.`);
          else if (initial) setStatus(`Restored ${restored.size} event${restored.size === 1 ? '' : 's'} kept in this browser.`);
        }
      } catch (e) {
        setStatus(`The audit log kept in this browser could not be read: ${(e as Error).message}.`);
      }
      setVersion((v) => v + 1);
    };
    restore(true);
    const onStorage = (e: StorageEvent) => {
      if (e.key === s.key || e.key === null) restore(false);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const persist = (): string => {
    const s = store.current;
    if (!s) return '';
    const saved = s.save(log.current.toSaved());
    if (saved.ok) {
      setSavedChars(saved.chars);
      return '';
    }
    return ` Not kept in this browser: ${saved.message}.`;
  };

  const append = () => {
    if (!current) return;
    const { decision, inputs, policyHash, policyText } = current;
    const l = log.current;
    try {
      const event = buildAuditEvent(decision, inputs.intent, inputs.portfolio, inputs.market, inputs.execution, policyHash, { runId: l.runId });
      const cap = store.current?.cap ?? Number.POSITIVE_INFINITY;
      const more = JSON.stringify(event).length + (l.policies.has(policyHash) ? 0 : JSON.stringify(policyText).length) + EVENT_MARGIN;
      if (savedChars + more > cap) {
        setStatus(`Not appended: the log kept in this browser is full (${formatChars(cap)}). Download it, then clear it.`);
        return;
      }
      l.append(event, policyText);
    } catch (e) {
      setStatus(`Not appended: ${(e as Error).message}`);
      return;
    }
    setVersion((v) => v + 1);
    setStatus(`Appended event ${l.size}: ${decision.decision} for ${decision.intent_id}.${persist()}`);
  };

  const verify = async () => {
    const l = log.current;
    const text = l.toJsonl();
    let matched = 0;
    let total = 0;
    const problems: string[] = [];
    for (const [hash, policyText] of l.policies) {
      const summary = await replayAuditLog(text, await PolicyEngine.fromYaml(policyText));
      total = summary.total;
      matched += summary.matched;
      if (summary.mismatched.length) problems.push(`${summary.mismatched.length} replayed differently under policy ${hash.slice(0, 12)}`);
      if (summary.badLines.length || summary.chainBreaks.length) problems.push(`${summary.badLines.length} bad lines, ${summary.chainBreaks.length} chain breaks`);
    }
    setStatus(
      problems.length === 0 && matched === total
        ? `Replayed in this page: all ${total} events give the same decision under the policy they were recorded with.`
        : `Replay found problems: ${problems.join('; ') || `${matched} of ${total} matched`}.`,
    );
  };

  const clear = () => {
    log.current = newLog();
    store.current?.clear();
    setSavedChars(0);
    setVersion((v) => v + 1);
    setStatus('Audit log cleared, here and in this browser’s storage.');
  };

  const l = log.current;
  const entries = l.entries;
  const cap = store.current?.cap;
  return (
    <section className="audit" aria-labelledby="audit-title" data-version={version}>
      <h2 id="audit-title">Audit log</h2>
      <p className="audit__note">
        Append evaluations to a hash-chained audit log, then download it and replay it with the CLI
        {l.policies.size > 1 ? ` (each event under its own policy, ${l.policies.size} here)` : ''}:
        <br />
        <code data-testid="audit-command">{l.replayCommand()}</code>
      </p>
      <p className="audit__note" data-testid="audit-storage">
        Kept in this browser’s local storage (localStorage, for this site only; nothing is sent anywhere) until you clear it, so a reload keeps it
        {cap ? `; at most ${formatChars(cap)} (about 400 events), now ${formatChars(savedChars)}` : ''}.
      </p>
      <div className="audit__actions">
        <button type="button" onClick={append} disabled={!current} data-testid="audit-append">
          Append this evaluation
        </button>
        <button
          type="button"
          onClick={() => download(AUDIT_ZIP, zipFiles(Object.fromEntries(l.files().map((f) => [f.name, f.text]))), 'application/zip')}
          disabled={entries.length === 0}
          data-testid="audit-download-zip"
        >
          Download all ({AUDIT_ZIP})
        </button>
        <button type="button" onClick={() => download(AUDIT_FILE, l.toJsonl(), 'application/x-ndjson')} disabled={entries.length === 0} data-testid="audit-download">
          Download {AUDIT_FILE}
        </button>
        {[...l.policies].map(([hash, text]) => (
          <button key={hash} type="button" onClick={() => download(l.policyFileName(hash), text, 'application/yaml')} data-testid="audit-download-policy">
            Download {l.policyFileName(hash)}
          </button>
        ))}
        <button type="button" onClick={verify} disabled={entries.length === 0} data-testid="audit-verify">
          Replay in page
        </button>
        <button type="button" onClick={clear} disabled={entries.length === 0}>
          Clear
        </button>
      </div>
      <p role="status" className="audit__note" data-testid="audit-status">
        {status}
      </p>
      {entries.length > 0 && (
        <ol className="audit__list" data-testid="audit-entries" aria-label="Audit events">
          {entries.map((e, k) => (
            <li key={k}>
              <strong>{e.decision ?? '?'}</strong> {e.intentId} <span className="audit__hash">policy {e.policyHash.slice(0, 12)}…</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
