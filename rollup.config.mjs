// Builds the SDK (packages/policygate-capital) to ESM + .d.ts.
// Entries: the isomorphic core, the Node-only entry and its writer thread (one file per module), and
// the CLI bins (bundled: one file each, plus chunks loaded only when a command needs them).
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const pkg = new URL('./packages/policygate-capital/', import.meta.url).pathname;
const entries = {
  index: 'src/index.ts',
  audit: 'src/audit/index.ts',
  schemas: 'src/schemas.ts',
  node: 'src/node/index.ts',
  server: 'src/server/index.ts',
  redis: 'src/redis/index.ts',
  // The batched FileAuditSink's writer thread: its own file, started by URL (new Worker(new URL(…))).
  'node/audit-sink/writer-thread': 'src/node/audit-sink/writer-thread.ts',
};
const bins = {
  'policygate-eval': 'src/node/bin/policygate-eval.ts',
  'policygate-replay': 'src/node/bin/policygate-replay.ts',
  'policygate-serve': 'src/node/serve/bin.ts',
};
const existing = (files) =>
  Object.fromEntries(
    Object.entries(files)
      .filter(([, file]) => existsSync(pkg + file))
      .map(([name, file]) => [name, pkg + file]),
  );
const input = existing(entries);
const binInput = existing(bins);
// Dependencies and Node built-ins stay imports; the package is not bundled with them.
const external = (id) => /^(node:|yaml$|yaml\/|valibot$|redis$|@redis\/)/.test(id);
// Declarations for the entries a user imports (not the bins, not the writer thread).
const libraryInput = Object.fromEntries(Object.entries(input).filter(([name]) => ['index', 'audit', 'schemas', 'node', 'server', 'redis'].includes(name)));

// The bins are bundled with their dependencies: a one-shot `policygate-eval` spent more time loading
// modules (yaml alone is ~70 files of CommonJS) than deciding (bench/cli-start.mjs). yaml's ES module
// build (its `browser` folder: the same code, which the playground runs too) lets rollup bundle it
// without a CommonJS plugin.
const require = (id) => fileURLToPath(import.meta.resolve(id));
const bundledDependencies = {
  name: 'bundled-dependencies',
  resolveId(id) {
    if (id === 'yaml') return join(dirname(require('yaml/package.json')), 'browser/index.js');
    if (id === 'valibot') return require('valibot');
    return null;
  },
};
// The batched sink starts its writer thread from `new URL('./writer-thread.js', import.meta.url)`. In
// the bundled bins that module is not beside the code that starts it: emit the thread as a chunk of
// its own and point the URL at it (still a literal `new URL('./…', import.meta.url)`).
const writerThread = pkg + 'src/node/audit-sink/writer-thread.ts';
const writerThreadUrl = {
  name: 'writer-thread-url',
  transform(code, id) {
    const literal = "new URL('./writer-thread.js', import.meta.url)";
    if (!id.endsWith('/src/node/audit-sink/batched-writer.ts') || !code.includes(literal)) return null;
    const ref = this.emitFile({ type: 'chunk', id: writerThread, name: 'audit-writer-thread' });
    return { code: code.replace(literal, `import.meta.ROLLUP_FILE_URL_${ref}`), map: null };
  },
  resolveFileUrl: ({ relativePath }) => `new URL('${relativePath.startsWith('.') ? '' : './'}${relativePath}', import.meta.url)`,
};
// The same for a one-file CommonJS bin (no chunks to emit): the thread is the library build's module,
// dist/node/audit-sink/writer-thread.js (rollup turns import.meta.url into the script's own URL).
const writerThreadBesideLibrary = {
  name: 'writer-thread-beside-library',
  transform(code, id) {
    const literal = "new URL('./writer-thread.js', import.meta.url)";
    if (!id.endsWith('/src/node/audit-sink/batched-writer.ts') || !code.includes(literal)) return null;
    return { code: code.replace(literal, "new URL('../node/audit-sink/writer-thread.js', import.meta.url)"), map: null };
  },
};
// The bins run as `./policygate-replay.js` and through npm's bin links: a shebang and the execute bit.
const isBin = (chunk) => chunk.isEntry && Object.hasOwn(bins, chunk.name);
const executableBins = {
  name: 'executable-bins',
  writeBundle(options, bundle) {
    for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk' && isBin(chunk)) chmodSync(`${options.dir}/${chunk.fileName}`, 0o755);
  },
};
// Files of an earlier build must not ship (npm pack takes all of dist). Once both builds below have
// written, delete whatever in dist they did not write (dist/schemas belongs to json-schemas.mjs).
// Nothing is deleted earlier: a failed build leaves the previous output whole, and a reader never sees
// a half-empty dist.
const written = new Set();
const recordOutput = {
  name: 'record-output',
  writeBundle(options, bundle) {
    for (const file of Object.keys(bundle)) written.add(join(options.dir, file));
  },
};
const pruneStale = {
  name: 'prune-stale',
  writeBundle(options, bundle) {
    recordOutput.writeBundle(options, bundle);
    const dist = pkg + 'dist';
    for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
      const file = join(entry.parentPath ?? entry.path, entry.name);
      if (entry.isFile() && !written.has(file) && !file.startsWith(join(dist, 'schemas/'))) rmSync(file);
    }
  },
};

export default [
  {
    input,
    external,
    // One file per module (entries keep their names): a bundler then drops what an app does not
    // import, e.g. the YAML parser when only `evaluate` + `parsePolicy` are used (tests/package/size-budget.test.ts).
    output: { dir: pkg + 'dist', format: 'es', entryFileNames: '[name].js', preserveModules: true, preserveModulesRoot: pkg + 'src', sourcemap: false },
    // The package has no side effects ("sideEffects": false): an import whose bindings are all unused
    // (a type-only use, a re-export chain) is dropped instead of left as a bare `import 'valibot';`,
    // which bundlers warn about.
    treeshake: { moduleSideEffects: false },
    plugins: [typescript({ tsconfig: pkg + 'tsconfig.json', declaration: false, outDir: pkg + 'dist', noEmitOnError: true }), recordOutput],
  },
  // One build per bin, so that what a command loads at start is one file (chunks shared by both bins
  // would be several); what it loads only when asked (the audit sink, the stream reader) is a chunk.
  // policygate-eval, the one-shot command, is one CommonJS script instead (below).
  ...Object.entries(binInput)
    .filter(([name]) => name !== 'policygate-eval')
    .map(([name, file]) => ({
      input: { [name]: file },
      external: (id) => id.startsWith('node:'),
      output: {
        dir: pkg + 'dist/bin',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: `chunks/${name}-[name]-[hash].js`,
        experimentalMinChunkSize: 1 << 20,
        sourcemap: false,
        banner: (chunk) => (isBin(chunk) ? '#!/usr/bin/env node' : ''),
      },
      plugins: [bundledDependencies, typescript({ tsconfig: pkg + 'tsconfig.json', declaration: false, outDir: pkg + 'dist/bin', noEmitOnError: true }), writerThreadUrl, executableBins, recordOutput],
    })),
  // policygate-eval as one CommonJS script (everything inlined), which its launcher (bin/policygate-eval.cjs)
  // compiles with the V8 code cache that scripts/code-cache.mjs makes at build: a one-shot run then
  // skips most of compiling it (bench/cli-start.mjs). The code cache needs a script: ES modules have none in Node 20.
  ...Object.entries(binInput)
    .filter(([name]) => name === 'policygate-eval')
    .map(([name, file]) => ({
      input: { [name]: file },
      external: (id) => id.startsWith('node:'),
      output: { dir: pkg + 'dist/bin', format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true, sourcemap: false },
      plugins: [bundledDependencies, typescript({ tsconfig: pkg + 'tsconfig.json', declaration: false, outDir: pkg + 'dist/bin', noEmitOnError: true }), writerThreadBesideLibrary, recordOutput],
    })),
  {
    input: libraryInput,
    external,
    output: { dir: pkg + 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
    plugins: [dts({ tsconfig: pkg + 'tsconfig.json' }), pruneStale],
  },
];
