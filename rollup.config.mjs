// Builds the SDK (packages/policygate-capital) to ESM + .d.ts.
// Entries: the isomorphic core, the Node-only entry, and the CLI bins.
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const pkg = new URL('./packages/policygate-capital/', import.meta.url).pathname;
const entries = {
  index: 'src/index.ts',
  node: 'src/node/index.ts',
  server: 'src/server/index.ts',
  redis: 'src/redis/index.ts',
  'bin/policygate-eval': 'src/node/bin/policygate-eval.ts',
  'bin/policygate-replay': 'src/node/bin/policygate-replay.ts',
  'bin/policygate-serve': 'src/node/serve/bin.ts',
};
const input = Object.fromEntries(
  Object.entries(entries)
    .filter(([, file]) => existsSync(pkg + file))
    .map(([name, file]) => [name, pkg + file]),
);
// Dependencies and Node built-ins stay imports; the package is not bundled with them.
const external = (id) => /^(node:|yaml$|yaml\/|valibot$|@hono\/node-server$|redis$|@redis\/)/.test(id);
const libraryInput = Object.fromEntries(Object.entries(input).filter(([name]) => !name.startsWith('bin/')));
// The bins run as `./policygate-eval.js` and through npm's bin links: a shebang and the execute bit.
const isBin = (chunk) => chunk.isEntry && chunk.name.startsWith('bin/');
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
    output: { dir: pkg + 'dist', format: 'es', entryFileNames: '[name].js', preserveModules: true, preserveModulesRoot: pkg + 'src', sourcemap: false, banner: (chunk) => (isBin(chunk) ? '#!/usr/bin/env node' : '') },
    plugins: [typescript({ tsconfig: pkg + 'tsconfig.json', declaration: false, outDir: pkg + 'dist', noEmitOnError: true }), executableBins, recordOutput],
  },
  {
    input: libraryInput,
    external,
    output: { dir: pkg + 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
    plugins: [dts({ tsconfig: pkg + 'tsconfig.json' }), pruneStale],
  },
];
