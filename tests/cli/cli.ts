// Runs the BUILT bins as child processes (node dist/bin/…), as a shell or CI job would.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The example files the command-line page (/docs/cli/) runs. */
export const EXAMPLES = join(REPO, 'examples');
/** The shared conformance folder. */
export const CONFORMANCE = join(REPO, 'tests/fixtures/conformance');
const DIST_BIN = join(REPO, 'packages/policygate-capital/dist/bin');

/**
 * Absolute path of a bin as npm links it (policygate-eval: its launcher, which runs the built script
 * with its code cache); fails clearly when the package has not been built.
 */
export function binPath(name: 'policygate-eval' | 'policygate-replay'): string {
  const built = join(DIST_BIN, name === 'policygate-eval' ? `${name}.cjs` : `${name}.js`);
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`);
  return name === 'policygate-eval' ? join(REPO, 'packages/policygate-capital/bin/policygate-eval.cjs') : built;
}

/** How a process ended and what it printed. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  cwd?: string;
  /** Bytes or text fed to standard input (default: none, closed). */
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
}

/** Spawns `command args…` and waits for it to exit; never throws on a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined); // the process may exit before reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a built bin with `node`. */
export const runBin = (name: 'policygate-eval' | 'policygate-replay', args: readonly string[], options: RunOptions = {}) => runCommand(process.execPath, [binPath(name), ...args], options);

/** The seed's example: `--policy … --intent … --portfolio … --market …` on examples/ (plus `extra`). */
export function exampleArgs(overrides: Partial<Record<'policy' | 'intent' | 'portfolio' | 'market' | 'execution', string>> = {}): string[] {
  const files = {
    policy: join(EXAMPLES, 'policy.yaml'),
    intent: join(EXAMPLES, 'intent.json'),
    portfolio: join(EXAMPLES, 'portfolio.json'),
    market: join(EXAMPLES, 'market.json'),
    ...overrides,
  };
  return Object.entries(files).flatMap(([k, v]) => [`--${k}`, v]);
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pgc-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A decision without `eval_ms`, the one field that may differ between two evaluations. */
export function withoutEvalMs(decision: Record<string, unknown>): Record<string, unknown> {
  const { eval_ms: _ignored, ...rest } = decision;
  return rest;
}
