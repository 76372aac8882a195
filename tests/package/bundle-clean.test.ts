// Every entry of the built package bundles without a warning (esbuild, warnings as errors): no bare
// side-effect imports of dependencies (`import 'valibot';`), which bundlers report for a package
// marked "sideEffects": false, and nothing else a user's build would complain about.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('../../packages/policygate-capital/', import.meta.url));
const ENTRIES = [
  ['policygate-capital', 'browser'],
  ['policygate-capital/audit', 'browser'],
  ['policygate-capital/schemas', 'browser'],
  ['policygate-capital/server', 'browser'],
  ['policygate-capital/node', 'node'],
  ['policygate-capital/redis', 'node'],
] as const;

describe('bundling the built package', () => {
  for (const [entry, platform] of ENTRIES) {
    it(`export * from '${entry}' bundles for ${platform} without warnings`, async () => {
      const result = await build({
        stdin: { contents: `export * from '${entry}';`, resolveDir: PKG, loader: 'js' },
        bundle: true,
        write: false,
        format: 'esm',
        platform,
        logLevel: 'silent',
        // Optional peer dependencies stay imports, as an app that uses the entry installs them.
        external: ['redis'],
      });
      expect(result.errors).toEqual([]);
      expect(result.warnings.map((w) => w.text)).toEqual([]);
      expect(result.outputFiles[0]!.text.length).toBeGreaterThan(1000);
    });
  }
});
