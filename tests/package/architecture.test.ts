// The shape the code keeps (docs: CONTRIBUTING.md, "Layout"): no source file over 450 lines, no
// import cycle (madge over the package's sources), no module-level `let` in the engine (its
// per-call scratch belongs to an owner), no worker built from a source string (`eval: true`), and no
// `node:` import in the isomorphic core.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../packages/policygate-capital/src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('test-fixtures.ts') ? [path] : [];
  });
}

const files = sources(SRC);
const text = (f: string) => readFileSync(f, 'utf8');

describe('source layout', () => {
  it('reads the sources', () => expect(files.length).toBeGreaterThan(50));

  it('has no source file over 450 lines (tests excluded)', () => {
    const long = files.map((f) => [relative(SRC, f), text(f).split('\n').length] as const).filter(([, n]) => n > 450);
    expect(long).toEqual([]);
  });

  it('has no import cycle', async () => {
    const graph = await madge(SRC, { fileExtensions: ['ts'], tsConfig: join(SRC, '../tsconfig.json'), excludeRegExp: [/\.test\.ts$/] });
    // Every source file is in the graph (it also lists what they import from outside src/).
    expect(Object.keys(graph.obj()).filter((f) => !f.startsWith('..') && !f.includes('test-fixtures'))).toHaveLength(files.length);
    expect(graph.circular()).toEqual([]);
  });

  it('keeps no module-level let in src/engine', () => {
    const found = files
      .filter((f) => relative(SRC, f).startsWith('engine/'))
      .flatMap((f) =>
        text(f)
          .split('\n')
          .map((line, i) => [relative(SRC, f), i + 1, line] as const)
          .filter(([, , line]) => /^(export )?(let|var) /.test(line)),
      );
    expect(found).toEqual([]);
  });

  it('builds no worker from a source string', () => {
    expect(files.filter((f) => /eval:\s*true/.test(text(f))).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keeps node: imports out of the isomorphic core (only src/node and src/redis may use them)', () => {
    const core = files.filter((f) => !/^(node|redis)\//.test(relative(SRC, f)));
    expect(core.filter((f) => /from ['"]node:|import\(['"]node:/.test(text(f))).map((f) => relative(SRC, f))).toEqual([]);
  });
});
