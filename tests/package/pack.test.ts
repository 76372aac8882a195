// Package hygiene: what `npm pack` puts in the tarball is what users need (the entries of the exports
// map and bins, every module they load, their types, the JSON Schemas, README and LICENSE) and nothing
// else (no sources, tests, maps, configs or stale build files).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../runtimes/spawn.js';

const PKG = fileURLToPath(new URL('../../packages/policygate-capital/', import.meta.url));
const manifest = JSON.parse(readFileSync(PKG + 'package.json', 'utf8'));

/** What may ship: the manifest, README, LICENSE, bin launchers, built JS, declarations, schemas, the eval bin's V8 code cache. */
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^bin\/[\w-]+\.c?js$/, /^dist\/[\w/.-]+\.(c?js|d\.ts)$/, /^dist\/bin\/policygate-eval\.cache$/, /^dist\/schemas\/[\w-]+\.json$/];
const FORBIDDEN = [/\.test\./, /\.bench\./, /\.map$/, /\.tsbuildinfo$/, /(^|\/)src\//, /(^|\/)tsconfig/];

/** Every file path named by the manifest: exports targets (patterns as prefixes), main, types, bins. */
function manifestTargets(): { files: string[]; patterns: string[] } {
  const files: string[] = [];
  const patterns: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') (value.includes('*') ? patterns : files).push(posix.normalize(value));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.main);
  walk(manifest.types);
  walk(manifest.bin);
  return { files: [...new Set(files)], patterns };
}

/**
 * The module specifiers a JS or .d.ts file imports (static, dynamic, re-exports, type imports), and
 * the modules it loads by URL (`new URL('./x.js', import.meta.url)`, e.g. a worker thread's module).
 */
function importsOf(file: string): string[] {
  const text = readFileSync(PKG + file, 'utf8');
  const byUrl = [...text.matchAll(/new URL\(\s*(['"])(\.{1,2}\/[^'"]+\.js)\1\s*,\s*import\.meta\.url\s*\)/g)].map((m) => m[2]!);
  return [...ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName), ...byUrl];
}

/** The packed file a relative specifier points at (`./x.js` from a .d.ts is `./x.d.ts`). */
function target(from: string, spec: string): string {
  const path = posix.join(posix.dirname(from), spec);
  return from.endsWith('.d.ts') ? path.replace(/\.js$/, '.d.ts') : path;
}

describe('npm pack', () => {
  let files: string[];
  beforeAll(async () => {
    const result = await run('npm', ['pack', '--dry-run', '--json'], { cwd: PKG, withoutNpmEnv: true });
    expect(result.code, result.stderr).toBe(0);
    const [info] = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
    files = info.files.map((f: { path: string }) => f.path).sort();
    console.log(`npm pack: ${info.entryCount} files, ${(info.size / 1000).toFixed(1)} kB packed, ${(info.unpackedSize / 1000).toFixed(1)} kB unpacked`);
  });

  it('holds only what users need', () => {
    expect(files.filter((f) => !ALLOWED.some((re) => re.test(f)) || FORBIDDEN.some((re) => re.test(f)))).toEqual([]);
  });

  it('holds every file the manifest points at, the README, the LICENSE and the JSON Schemas', () => {
    const { files: targets, patterns } = manifestTargets();
    const required = ['package.json', 'README.md', 'LICENSE', ...targets];
    expect(required.filter((f) => !files.includes(f))).toEqual([]);
    for (const pattern of patterns) expect(files.some((f) => f.startsWith(pattern.slice(0, pattern.indexOf('*'))))).toBe(true);
    expect(files.filter((f) => f.startsWith('dist/schemas/')).length).toBeGreaterThanOrEqual(5);
  });

  it('holds every module the entries load, and no module that nothing loads (stale build output)', () => {
    const { files: targets } = manifestTargets();
    const code = files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
    const reached = new Set<string>();
    const missing: string[] = [];
    const bare = new Set<string>();
    const queue = targets.filter((f) => code.includes(f));
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) {
          bare.add(spec.replace(/^node:.*/, 'node:*'));
          continue;
        }
        const next = target(file, spec);
        if (files.includes(next)) queue.push(next);
        else missing.push(`${file} imports ${spec}: not in the tarball`);
      }
    }
    expect(missing).toEqual([]);
    expect(code.filter((f) => !reached.has(f))).toEqual([]);
    // Bare imports: the declared dependencies and Node built-ins (the latter only from the node entry
    // and the bins; tests/package/node-free.test.ts checks the core).
    // Optional peer dependencies count as declared (the redis entry's node-redis).
    const declared = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies ?? {})];
    expect([...bare].filter((s) => s !== 'node:*' && !declared.includes(s) && !builtinModules.includes(s))).toEqual([]);
  });

  it('declares an ESM package without side effects, types first in every export, and only yaml and valibot at run time', () => {
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.engines.node).toBe('>=20');
    for (const [key, value] of Object.entries<any>(manifest.exports)) {
      if (typeof value === 'object') expect(Object.keys(value)[0], `exports["${key}"]`).toBe('types');
    }
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['valibot', 'yaml']);
  });
});
