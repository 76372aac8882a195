// Runs the BUILT policygate-serve bin as a real process on a free loopback port (--port 0; the
// port is read from its "listening" log line) and talks to it over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES = join(REPO, 'examples');
export const PKG_DIST = join(REPO, 'packages/policygate-capital/dist');
export const SERVE_BIN = join(PKG_DIST, 'bin/policygate-serve.js');
export const TOKEN = 'test-token-0123456789';

/** The seed example's files as `policygate-serve` flags. */
export const exampleFlags = (overrides: Partial<Record<'policy' | 'portfolio' | 'market', string>> = {}) => [
  '--policy',
  overrides.policy ?? join(EXAMPLES, 'policy.yaml'),
  '--portfolio',
  overrides.portfolio ?? join(EXAMPLES, 'portfolio.json'),
  '--market',
  overrides.market ?? join(EXAMPLES, 'market.json'),
];

/** A running server process. */
export interface Served {
  url: string;
  child: ChildProcess;
  /** Everything printed so far on standard output (the JSON-lines log). */
  stdout: () => string;
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts the bin with `args` (plus `--port 0`); rejects with its output if it exits first. */
export function serve(args: readonly string[], env: Record<string, string | undefined> = { POLICYGATE_TOKEN: TOKEN }): Promise<Served> {
  if (!existsSync(SERVE_BIN)) throw new Error(`${SERVE_BIN} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [SERVE_BIN, '--port', '0', ...args], {
    cwd: REPO,
    env: { ...process.env, POLICYGATE_TOKEN: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`policygate-serve did not start in 20 s\n${out}\n${err}`));
    }, 20_000);
    const onData = () => {
      const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        url: m[1]!,
        child,
        stdout: () => out,
        stderr: () => err,
        exited,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`policygate-serve exited with ${code} before listening\n${out}\n${err}`));
    });
  });
}

/** Starts the bin and expects it to exit (a startup error): its code and output. */
export function serveExpectingExit(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SERVE_BIN, ...args], { cwd: REPO, env: { ...process.env, POLICYGATE_TOKEN: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pgc-serve-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Sends JSON with the token (unless `token: null`). */
export function post(url: string, path: string, body: unknown, options: { token?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
  const token = options.token === undefined ? TOKEN : options.token;
  return fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }), ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** GET with the token (unless `token: null`). */
export function get(url: string, path: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(url + path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}
