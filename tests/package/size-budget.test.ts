// Bundle size budgets, measured the way a browser app pays for the SDK: esbuild bundles the BUILT
// package (with yaml's and valibot's browser builds), minifies, and the result is gzipped.
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { docPage } from './readme-section.js';

const DIST = new URL('../../packages/policygate-capital/dist/index.js', import.meta.url).pathname;

/**
 * Budget for `evaluate` + the policy object parser, in bytes (15 kB) after minify + gzip. It was
 * 12 kB for policy DSL v0.1 (8 kB measured); v0.2 (seven more rules, instruments, the clock rules,
 * the versioned policy schema) measures 13.4 kB.
 */
const EVALUATE_BUDGET = 15_000;

interface Measured {
  minified: number;
  gzipped: number;
  /** Bytes each input contributes to the minified output, largest first. */
  inputs: [string, number][];
}

/** Bundles `code` (an ES module importing the built package) for the browser and measures it. */
async function measure(code: string): Promise<Measured> {
  const result = await build({
    stdin: { contents: code, resolveDir: new URL('.', import.meta.url).pathname, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  const output = Object.values((result.metafile as Metafile).outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]): [string, number] => [file.replace(/^.*node_modules\//, ''), bytesInOutput])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minified: bytes.length, gzipped: gzipSync(bytes).length, inputs };
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const describeSize = (name: string, m: Measured) =>
  `${name}: ${kB(m.minified)} min, ${kB(m.gzipped)} min+gzip; largest inputs: ${m.inputs
    .slice(0, 6)
    .map(([f, n]) => `${f} ${kB(n)}`)
    .join(', ')}`;

const measureEvaluate = () => measure(`export { evaluate, parsePolicy } from ${JSON.stringify(DIST)};`);
const measureFull = () => measure(`export * from ${JSON.stringify(DIST)};`);

describe('bundle size (browser, minified, gzipped)', () => {
  it(`evaluate + parsePolicy stays under ${kB(EVALUATE_BUDGET)}`, async () => {
    const m = await measureEvaluate();
    const report = describeSize('evaluate + parsePolicy', m);
    console.log(report);
    // A YAML parser is not needed to evaluate an order against a policy object.
    const yamlBytes = m.inputs.filter(([f]) => f.startsWith('yaml/')).reduce((n, [, b]) => n + b, 0);
    expect(yamlBytes, `bytes of yaml in the bundle (${report})`).toBe(0);
    expect(m.gzipped, report).toBeLessThan(EVALUATE_BUDGET);
  });

  it('reports the full core entry', async () => {
    const m = await measureFull();
    console.log(describeSize('full core entry (policygate-capital)', m));
    // Sanity: the full entry includes the YAML parser and is larger than the evaluate-only bundle.
    expect(m.inputs.some(([f]) => f.startsWith('yaml/'))).toBe(true);
  });

  it('matches the sizes the runtimes page states ("about N kB", within 20%)', async () => {
    const claims = [...docPage('runtimes').matchAll(/about ([\d.]+) kB/g)].map((m) => Number(m[1]) * 1000);
    expect(claims).toHaveLength(2);
    const measured = [(await measureEvaluate()).gzipped, (await measureFull()).gzipped];
    for (const [i, bytes] of measured.entries()) expect(Math.abs(bytes - claims[i]!) / bytes, `the runtimes page says ${kB(claims[i]!)}, measured ${kB(bytes)}`).toBeLessThan(0.2);
  });
});
