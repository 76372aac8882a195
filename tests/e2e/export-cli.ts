// Runs the command lines a playground export prints — `npx policygate-eval …` — with the real,
// built bin (packages/policygate-capital/bin/policygate-eval.cjs) in the folder of the exported files.
// Shared by the simulator's end-to-end test and the site's unit tests of the export.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EVAL_BIN = fileURLToPath(new URL('../../packages/policygate-capital/bin/policygate-eval.cjs', import.meta.url));

/** Writes exported files (path → text) into a new temporary folder and returns its path. */
export function writeExport(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-export-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** One run of an exported command: its exit code and the decisions it printed (eval_ms removed). */
export interface CliRun {
  code: number;
  stderr: string;
  decisions: Record<string, unknown>[];
}

/**
 * Runs one exported `npx policygate-eval …` command line in `dir` with the built bin. The export's
 * command lines have no quoting (its paths have no spaces), so splitting on spaces is exact.
 */
export function runExportedCommand(dir: string, commandLine: string): Promise<CliRun> {
  const words = commandLine.split(' ');
  if (words[0] !== 'npx' || words[1] !== 'policygate-eval') throw new Error(`not a policygate-eval command: ${commandLine}`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [EVAL_BIN, ...words.slice(2)], { cwd: dir, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (code === -1) return reject(error);
      const decisions = stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => {
          const { eval_ms: _, ...rest } = JSON.parse(l) as Record<string, unknown>;
          return rest;
        });
      resolve({ code, stderr, decisions });
    });
  });
}

/** The lines of a JSONL text, parsed. */
export const parseJsonl = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
