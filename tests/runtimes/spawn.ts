// Runs a real process and collects what it printed; never throws on a non-zero exit.
import { spawn } from 'node:child_process';

/** What a finished process printed, and how it ended. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  cwd?: string;
  /** Added to (and overriding) the environment. */
  env?: Record<string, string>;
  /** Leave out the `npm_*` variables an enclosing `npm test` sets (they would steer a nested npm). */
  withoutNpmEnv?: boolean;
}

/** Spawns `command` with `args` (no shell, no stdin) and waits for it to exit. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  const base = Object.entries(process.env).filter(([k]) => !(options.withoutNpmEnv && k.toLowerCase().startsWith('npm_')));
  const env = { ...Object.fromEntries(base), NO_COLOR: '1', ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
