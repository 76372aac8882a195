// The test command does its own set-up: `npm test` first runs scripts/setup.mjs, which stops before
// any test when a system program the tests launch is missing and cannot be installed, naming the
// one command that installs it. Here the real `npm test` runs with Chromium pointed at a missing path.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumPath, redisServerPath, systemDeps } from '../../scripts/system-deps.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scripts = JSON.parse(readFileSync(root + 'package.json', 'utf8')).scripts as Record<string, string>;

function npm(args: string[], env: Record<string, string>) {
  const started = performance.now();
  const run = spawnSync('npm', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: run.status, output: run.stdout + run.stderr, seconds: (performance.now() - started) / 1000 };
}

describe('npm test checks the system programs first', () => {
  it('runs scripts/setup.mjs before anything else, in npm test and npm run test:e2e', () => {
    expect(scripts.test).toMatch(/^node scripts\/setup\.mjs && /);
    expect(scripts['test:e2e']).toMatch(/^node scripts\/setup\.mjs && /);
  });

  it('with Chromium at a missing path (and installing forbidden): names the command, exits 1, runs no test', () => {
    const run = npm(['test', '--silent'], { PGC_CHROMIUM: '/missing/chromium', PGC_NO_INSTALL: '1' });
    expect(run.status).not.toBe(0);
    const lines = run.output
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '');
    // Nothing but set-up's own lines: no type check, build, Vitest or Playwright output.
    expect(
      lines.every((l) => l.startsWith('setup: ') || l.startsWith('    ')),
      run.output,
    ).toBe(true);
    expect(run.output).toContain('setup: Chromium not found at /missing/chromium');
    expect(run.output).toMatch(/^ {4}(sudo )?apt-get update && (sudo )?apt-get install -y chromium$/m);
    expect(run.seconds).toBeLessThan(30);
  });

  it('names redis-server the same way, both packages in one command', () => {
    const run = spawnSync(process.execPath, [root + 'scripts/setup.mjs'], {
      encoding: 'utf8',
      env: { ...process.env, PGC_CHROMIUM: '/missing/chromium', PGC_REDIS_SERVER: '/missing/redis-server', PGC_NO_INSTALL: '1' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('setup: redis-server not found at /missing/redis-server');
    expect(run.stderr).toMatch(/apt-get install -y chromium redis-server$/m);
  });

  it('passes, silently, when every program is where the tests look', () => {
    const run = spawnSync(process.execPath, [root + 'scripts/setup.mjs'], { encoding: 'utf8', env: { ...process.env, PGC_CHROMIUM: process.execPath, PGC_REDIS_SERVER: process.execPath } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('reads the paths from the environment, with the Debian paths as defaults', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(redisServerPath({})).toBe('/usr/bin/redis-server');
    expect(chromiumPath({ PGC_CHROMIUM: '/opt/chromium' })).toBe('/opt/chromium');
    expect(systemDeps({}).map((d) => d.apt)).toEqual(['chromium', 'redis-server']);
  });
});
