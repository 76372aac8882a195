// The exported snippet run for real (Node and Bun, against the workspace's built package) and the
// exported files through the real CLI: both must print the decision the playground shows.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runExportedCommand, writeExport } from '../../../../tests/e2e/export-cli';
import { evaluateWorkspace } from '../evaluate-workspace';
import { PRESETS } from '../presets';
import { WORKSPACE_COMMAND, workspaceFiles, workspaceSnippet } from './workspace-export';

const run = promisify(execFile);
// Inside the repository, so that `policygate-capital` resolves to the workspace's package.
const SCRATCH = fileURLToPath(new URL('../../../../node_modules/.cache/', import.meta.url));
const BUN = fileURLToPath(new URL('../../../../node_modules/.bin/bun', import.meta.url));
const strip = (d: Record<string, unknown>) => {
  const { eval_ms: _, ...rest } = d;
  return rest;
};

const tricky = { ...PRESETS[0]!.workspace, policy: `# a \`backtick\`, a \${placeholder} and a back\\slash\n${PRESETS[0]!.workspace.policy}` };

describe('workspace export', () => {
  it('the Node and Bun snippets print the decision the playground shows, even with backticks and ${ in the policy', async () => {
    mkdirSync(SCRATCH, { recursive: true }); // absent in a fresh clone
    const dir = mkdtempSync(join(SCRATCH, 'pg-snippet-'));
    try {
      for (const ws of [tricky, PRESETS.find((p) => p.expect.decision === 'DENY')!.workspace]) {
        const expected = await evaluateWorkspace(ws);
        if (!expected.ok) throw new Error('preset does not evaluate');
        writeFileSync(join(dir, 'decide.mjs'), workspaceSnippet(ws, 'node'));
        writeFileSync(join(dir, 'decide.ts'), workspaceSnippet(ws, 'bun'));
        const node = JSON.parse((await run(process.execPath, ['decide.mjs'], { cwd: dir })).stdout);
        expect(strip(node)).toEqual(strip(expected.decision as unknown as Record<string, unknown>));
        const bun = JSON.parse((await run(BUN, ['decide.ts'], { cwd: dir })).stdout);
        expect(strip(bun)).toEqual(strip(expected.decision as unknown as Record<string, unknown>));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Deno snippet imports the npm: specifier and is otherwise the same program', () => {
    const deno = workspaceSnippet(tricky, 'deno');
    expect(deno).toContain("from 'npm:policygate-capital'");
    expect(deno.replace('npm:policygate-capital', 'policygate-capital').split('\n').slice(1)).toEqual(workspaceSnippet(tricky, 'node').split('\n').slice(1));
  });

  it('the files with the CLI command give the same decision for every preset', async () => {
    for (const preset of PRESETS) {
      const expected = await evaluateWorkspace(preset.workspace);
      if (!expected.ok) throw new Error(`${preset.id} does not evaluate`);
      const dir = writeExport(workspaceFiles(preset.workspace));
      const out = await runExportedCommand(dir, WORKSPACE_COMMAND.replace(' --pretty', ''));
      expect(out.decisions, preset.id).toEqual([strip(expected.decision as unknown as Record<string, unknown>)]);
      expect(out.code).toBe(expected.decision.decision === 'DENY' ? 1 : 0);
    }
  });
});
