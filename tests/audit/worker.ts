// Bundles a worker script (TypeScript, importing the SDK's sources; append-worker.ts by default) into
// one .mjs that plain `node` runs (the audit writer thread's module beside it), so the cross-process
// tests run real Node processes on the current sources. Also used by tests/hostile/audit-faults.test.ts.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildWriterThread } from './writer-thread.js';

/** Bundles a worker into a fresh world-readable temp folder; returns the .mjs path. */
export async function bundleWorker(entry: URL = new URL('./append-worker.ts', import.meta.url)): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-audit-worker-'));
  chmodSync(dir, 0o755); // readable by an unprivileged user (the EACCES tests)
  const outfile = join(dir, 'worker.mjs');
  await build({
    entryPoints: [fileURLToPath(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // yaml is CommonJS and requires Node built-ins: give the ESM bundle a `require`.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  chmodSync(outfile, 0o644);
  // The bundle's batched sinks start their writer thread from ./writer-thread.js beside it.
  chmodSync(await buildWriterThread(dir), 0o644);
  return outfile;
}

/** The reference policy of the conformance folder. */
export const REFERENCE_POLICY = fileURLToPath(new URL('../fixtures/conformance/reference-policy.yaml', import.meta.url));
