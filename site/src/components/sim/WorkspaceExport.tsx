// "From playground to code": the current workspace as a Node/Deno/Bun program or as the five files
// with the CLI command, each with a copy button.
import { useState } from 'react';
import { RUNTIMES, type Runtime, WORKSPACE_COMMAND, workspaceFiles, workspaceSnippet } from '../../lib/export/workspace-export';
import { zipFiles } from '../../lib/export/zip';
import type { Workspace } from '../../lib/workspace';

/** A `<pre>` with a copy button. */
export function CopyBlock({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Copied.');
    } catch {
      setStatus('Select the text and copy it (the clipboard is not available here).');
    }
  };
  return (
    <div className="copy-block">
      <div className="copy-block__bar">
        <span>{label}</span>
        <button type="button" onClick={copy} aria-label={`Copy ${label}`}>
          Copy
        </button>
        <span role="status">{status}</span>
      </div>
      <pre tabIndex={0} data-testid={testId}>
        {text}
      </pre>
    </div>
  );
}

/**
 * The export panel of the workspace.
 *
 * @example
 * ```tsx
 * <WorkspaceExport ws={ws} />
 * ```
 */
export function WorkspaceExport({ ws }: { ws: Workspace }) {
  const [open, setOpen] = useState(false);
  const [runtime, setRuntime] = useState<Runtime>('node');
  const downloadFiles = () => {
    const url = URL.createObjectURL(new Blob([zipFiles(workspaceFiles(ws))], { type: 'application/zip' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'policygate-workspace.zip';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section className="ws-export" aria-label="Export to code">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="export-toggle">
        Export to code
      </button>
      {open && (
        <div className="ws-export__panel" data-testid="export-panel">
          <div role="group" aria-label="Runtime" className="ws-export__runtimes">
            {(Object.keys(RUNTIMES) as Runtime[]).map((r) => (
              <button key={r} type="button" aria-pressed={r === runtime} onClick={() => setRuntime(r)}>
                {RUNTIMES[r].label}
              </button>
            ))}
          </div>
          <CopyBlock label={`${RUNTIMES[runtime].file} (${RUNTIMES[runtime].label}: ${RUNTIMES[runtime].run})`} text={workspaceSnippet(ws, runtime)} testId="export-snippet" />
          <p>Or as files (policy.yaml, intent.json, portfolio.json, market.json, execution.json) for the command line:</p>
          <button type="button" onClick={downloadFiles} data-testid="export-files">
            Download files (.zip)
          </button>
          <CopyBlock label="Command" text={WORKSPACE_COMMAND} testId="export-command" />
        </div>
      )}
    </section>
  );
}
