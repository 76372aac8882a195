#!/usr/bin/env node
// npm links this launcher as `policygate-eval`. It is committed (not built) so that `npm ci` on a fresh
// clone can link it before the build: npm skips bins whose file does not exist yet. The CLI itself
// is dist/bin/policygate-eval.js.
try {
  await import('../dist/bin/policygate-eval.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/bin/policygate-eval.js')) throw e;
  process.stderr.write('policygate-eval: policygate-capital is not built yet; run `npm run build` first\n');
  process.exitCode = 2;
}
