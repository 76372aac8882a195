// The batched FileAuditSink starts its writer thread from `./writer-thread.js` beside the module
// that starts it (rollup builds it into dist). Node 20 cannot run the TypeScript source in a thread,
// so tests that run the sources (vitest) need it built beside them: vitest's globalSetup (this
// file's default export) builds src/node/audit-sink/writer-thread.js (git-ignored) once per run, and
// bundleWorker (worker.ts) builds one beside each bundled test program.
import { renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SOURCE = fileURLToPath(new URL('../../packages/policygate-capital/src/node/audit-sink/writer-thread.ts', import.meta.url));

/** Builds the writer thread's module as `dir/writer-thread.js` (written whole, then renamed into place). */
export async function buildWriterThread(dir: string): Promise<string> {
  const outfile = join(dir, 'writer-thread.js');
  const partial = `${outfile}.${process.pid}.tmp`;
  await build({ entryPoints: [SOURCE], outfile: partial, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  renameSync(partial, outfile);
  return outfile;
}

/** vitest globalSetup: the thread's module beside its sources, for every test that runs them. */
export default async function setup(): Promise<void> {
  await buildWriterThread(dirname(SOURCE));
}
