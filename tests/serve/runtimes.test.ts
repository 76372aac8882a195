// The same fetch handler served by Deno.serve and Bun.serve (no adapter) answers the seed example.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, REPO } from './server.js';

const SCRIPT = join(REPO, 'tests/serve/runtime-serve.mjs');
const BIN = join(REPO, 'node_modules/.bin');
const intent = JSON.parse(readFileSync(join(EXAMPLES, 'intent.json'), 'utf8'));

async function serveWith(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 30 s:\n${out}\n${err}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /listening (\S+ \S+ \S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => reject(new Error(`exited before listening:\n${out}\n${err}`)));
  });
  const [url, runtime, version] = line.split(' ');
  return {
    url: url!,
    runtime: `${runtime} ${version}`,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function expectSeedAnswer(url: string) {
  const ask = (token: string) => fetch(`${url}/intent`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ intent }) });
  expect((await ask('wrong')).status).toBe(401);
  const res = await ask('runtime-token');
  expect(res.status).toBe(200);
  const d = await res.json();
  expect(d.decision).toBe('MODIFY');
  expect(d.modified_intent.qty).toBe(25);
  const big = await fetch(`${url}/v1/check`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer runtime-token' }, body: ' '.repeat(70_000) });
  expect(big.status).toBe(413);
}

describe('the fetch handler on other runtimes', () => {
  it('Deno.serve answers the seed example with MODIFY 25', async () => {
    const denoDir = mkdtempSync(join(tmpdir(), 'pgc-deno-'));
    const s = await serveWith(join(BIN, 'deno'), ['run', '--no-remote', `--allow-read=${REPO}`, '--allow-net=127.0.0.1', '--allow-env=LOG_TOKENS,LOG_STREAM', SCRIPT], {
      DENO_DIR: denoDir,
      DENO_NO_UPDATE_CHECK: '1',
    });
    try {
      expect(s.runtime).toMatch(/^deno \d+\./);
      await expectSeedAnswer(s.url);
    } finally {
      await s.stop();
      rmSync(denoDir, { recursive: true, force: true });
    }
  });

  it('Bun.serve answers the seed example with MODIFY 25', async () => {
    const s = await serveWith(join(BIN, 'bun'), [SCRIPT], {});
    try {
      expect(s.runtime).toMatch(/^bun \d+\./);
      await expectSeedAnswer(s.url);
    } finally {
      await s.stop();
    }
  });
});
