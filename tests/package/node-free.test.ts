// The core entry of the BUILT package is isomorphic: it imports no Node module and touches no Node
// global, in index.js and in every chunk it loads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkNodeFree } from './node-free.js';

const PKG = fileURLToPath(new URL('../../packages/policygate-capital/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
const DEPENDENCIES = Object.keys(manifest.dependencies ?? {});

describe('the core entry (dist/index.js and its chunks)', () => {
  const check = checkNodeFree(join(PKG, 'dist/index.js'), DEPENDENCIES);

  it('imports no node: module and uses no Node global', () => {
    console.log(`core entry: ${check.files.length} module(s): ${check.files.map((f) => relative(PKG, f)).join(', ')}; packages: ${check.bareImports.join(', ')}`);
    expect(check.findings.map((f) => `${relative(PKG, f.file)}:${f.line} ${f.what}`)).toEqual([]);
  });

  it('imports only the declared runtime dependencies (yaml, valibot)', () => {
    expect(DEPENDENCIES.sort()).toEqual(['valibot', 'yaml']);
    expect(check.bareImports).toEqual(['valibot', 'yaml']);
  });
});

describe('checkNodeFree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgc-node-free-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds Node imports and globals in chunks, and ignores strings, comments and member names', () => {
    writeFileSync(join(dir, 'entry.js'), "import { x } from './chunk.js';\nexport const y = x + 'process Buffer'; // process\n");
    writeFileSync(
      join(dir, 'chunk.js'),
      [
        "import { readFile } from 'node:fs';",
        "import path from 'path';",
        "import * as v from 'valibot';",
        "import left from 'left-pad';",
        'export const x = Buffer.from("a");',
        'const env = globalThis.process;',
        'const ok = { process: 1, Buffer: 2 }.process + v.Buffer;',
        "const lazy = () => import('node:crypto');",
        'if (typeof process !== "undefined") require("fs");',
      ].join('\n'),
    );
    const check = checkNodeFree(join(dir, 'entry.js'), ['valibot', 'yaml']);
    expect(check.files.map((f) => relative(dir, f))).toEqual(['entry.js', 'chunk.js']);
    expect(check.findings.map((f) => `${f.line} ${f.what}`)).toEqual([
      "1 imports Node module 'node:fs'",
      "2 imports Node module 'path'",
      "4 imports undeclared package 'left-pad'",
      "5 uses Node global 'Buffer'",
      "6 uses Node global 'globalThis.process'",
      "8 imports Node module 'node:crypto'",
      "9 uses Node global 'process'",
      "9 uses Node global 'require'",
    ]);
  });
});
