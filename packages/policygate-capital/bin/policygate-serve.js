#!/usr/bin/env node
// npm links this launcher as `policygate-serve`. It is committed (not built) so that `npm ci` on a
// fresh clone can link it before the build: npm skips bins whose file does not exist yet. The
// server itself is dist/bin/policygate-serve.js.
try {
  await import('../dist/bin/policygate-serve.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/bin/policygate-serve.js')) throw e;
  process.stderr.write('policygate-serve: policygate-capital is not built yet; run `npm run build` first\n');
  process.exitCode = 2;
}
