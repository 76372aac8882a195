// What a user gets: the packed tarball installed into a fresh project (outside the workspace) imports
// by name, type-checks under strict NodeNext, and the runtimes page's snippets print what the page
// says on Node, Deno, Bun and in Chromium.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../runtimes/chromium.js';
import { run } from '../runtimes/spawn.js';
import { serveStatic } from '../runtimes/static-server.js';
import { commandAndOutput, docPage, runtimeExamples } from './readme-section.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PKG = join(REPO, 'packages/policygate-capital');
const EXAMPLE_FILES = ['policy.yaml', 'intent.json', 'portfolio.json', 'market.json'];
/** Where a user's shell finds node, deno and bun. */
const PATH = [dirname(process.execPath), join(REPO, 'node_modules/.bin'), process.env.PATH].join(delimiter);

let tmp: string;
let app: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'pgc-installed-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: PKG, withoutNpmEnv: true });
  expect(packed.code, packed.stderr).toBe(0);
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
  app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The dependencies (yaml, valibot) come from the npm cache the workspace install filled.
  const installed = await run('npm', ['install', join(tmp, filename), '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, withoutNpmEnv: true });
  expect(installed.code, installed.stderr).toBe(0);
  for (const file of EXAMPLE_FILES) copyFileSync(join(REPO, 'examples', file), join(app, file));
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed package, installed into a fresh project', () => {
  it('is a real install (not a link to the workspace) with only yaml and valibot beside it', () => {
    expect(existsSync(join(app, 'node_modules/policygate-capital/dist/index.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/policygate-capital/src'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/yaml/package.json'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/valibot/package.json'))).toBe(true);
  });

  it('imports by name on Node: every entry exports what the workspace build exports; schemas and package.json resolve', async () => {
    writeFileSync(
      join(app, 'smoke.mjs'),
      [
        "import * as core from 'policygate-capital';",
        "import * as audit from 'policygate-capital/audit';",
        "import * as schemas from 'policygate-capital/schemas';",
        "import * as node from 'policygate-capital/node';",
        'console.log(JSON.stringify({',
        '  core: Object.keys(core).sort(),',
        '  audit: Object.keys(audit).sort(),',
        '  schemas: Object.keys(schemas).sort(),',
        '  node: Object.keys(node).sort(),',
        "  schema: import.meta.resolve('policygate-capital/schemas/policy.json'),",
        "  manifest: import.meta.resolve('policygate-capital/package.json'),",
        '}));',
      ].join('\n'),
    );
    const result = await run(process.execPath, ['smoke.mjs'], { cwd: app });
    expect(result.stderr).toBe('');
    const printed = JSON.parse(result.stdout);
    const workspaceCore = Object.keys(await import(pathToFileURL(join(PKG, 'dist/index.js')).href)).sort();
    const workspaceNode = Object.keys(await import(pathToFileURL(join(PKG, 'dist/node.js')).href)).sort();
    expect(printed.core).toEqual(workspaceCore);
    expect(printed.core).toEqual(expect.arrayContaining(['PolicyEngine', 'PolicyGate', 'evaluate', 'parsePolicy', 'parsePolicyYaml']));
    // Internals stay internal; the audit API and the valibot schemas have entries of their own.
    for (const name of ['pyRound', 'pyFixed', 'canonicalJson', 'sha256Hex', 'replayEvent', 'OrderIntentSchema']) expect(printed.core).not.toContain(name);
    expect(printed.audit).toEqual(Object.keys(await import(pathToFileURL(join(PKG, 'dist/audit.js')).href)).sort());
    expect(printed.audit).toEqual(expect.arrayContaining(['readAuditLog', 'replayAuditLog', 'replayEvent', 'buildAuditEvent', 'AuditChain']));
    expect(printed.schemas).toEqual(Object.keys(await import(pathToFileURL(join(PKG, 'dist/schemas.js')).href)).sort());
    expect(printed.schemas).toEqual(expect.arrayContaining(['OrderIntentSchema', 'PolicySchema', 'DecisionSchema', 'AuditEventSchema']));
    expect(printed.node).toEqual(workspaceNode);
    expect(printed.schema).toBe(pathToFileURL(join(app, 'node_modules/policygate-capital/dist/schemas/policy.json')).href);
    expect(printed.manifest).toBe(pathToFileURL(join(app, 'node_modules/policygate-capital/package.json')).href);
  });

  it('links the bins', async () => {
    const result = await run(join(app, 'node_modules/.bin/policygate-eval'), ['--help'], { cwd: app, env: { PATH } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: policygate-eval /);
  });

  it('type-checks a user program under strict NodeNext, shipped declarations included (types are real, not any)', async () => {
    writeFileSync(
      join(app, 'typed.ts'),
      [
        "import { PolicyEngine, parsePolicyYaml, type Decision, type OrderIntent } from 'policygate-capital';",
        "import * as node from 'policygate-capital/node';",
        "const engine = await PolicyEngine.fromYaml('limits: {}');",
        "const intent: OrderIntent = { intent_id: 'a', timestamp: '2026-02-18T00:00:00Z', strategy_id: 's', account_id: 'x', instrument: { symbol: 'AAPL', asset_class: 'equity' }, side: 'buy', order_type: 'market', qty: 1, limit_price: null };",
        "const decision: Decision = engine.evaluate(intent, { equity: 1, start_of_day_equity: 1, peak_equity: 1, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 }, { timestamp: '2026-02-18T00:00:00Z', prices: {} });",
        "const kind: 'ALLOW' | 'DENY' | 'MODIFY' = decision.decision;",
        '// @ts-expect-error -- a decision kind is not a number (fails as "unused directive" if the types were any)',
        'const wrong: number = decision.decision;',
        "const limit: number = parsePolicyYaml('').limits.exposure.max_position_pct;",
        'export { kind, wrong, limit, node };',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          // No @types/node: neither entry's declarations need Node's types.
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          target: 'es2022',
          lib: ['es2022', 'dom'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: [],
        },
        files: ['typed.ts'],
      }),
    );
    const result = await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('docs "Runtimes and bundlers" (/docs/runtimes/): every snippet runs as written against the installed package', () => {
  const examples = runtimeExamples(docPage('runtimes'));

  it('has one snippet for each of Node, Deno, Bun and the browser', () => {
    expect(examples.map((e) => e.file)).toEqual(['check.mjs', 'check.ts', 'check-bun.ts', 'index.html']);
    expect(examples.slice(0, 3).map((e) => commandAndOutput(e.expected).command.split(' ')[0])).toEqual(['node', 'deno', 'bun']);
  });

  for (const example of examples.filter((e) => e.expected.lang === 'sh')) {
    it(`${example.file}: \`${commandAndOutput(example.expected).command}\` prints what the page shows`, async () => {
      const { command, output } = commandAndOutput(example.expected);
      writeFileSync(join(app, example.file), example.source.code);
      const denoDir = mkdtempSync(join(tmpdir(), 'pgc-deno-'));
      try {
        const result = await run('sh', ['-c', command], { cwd: app, env: { PATH, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' } });
        console.log(`$ ${command}\n${result.stdout}${result.stderr}`);
        expect(result.stdout.trimEnd()).toBe(output);
        expect(result.code).toBe(0);
      } finally {
        rmSync(denoDir, { recursive: true, force: true });
      }
    });
  }

  it('Deno without --allow-env stops as the page says (yaml reads LOG_TOKENS)', async () => {
    const deno = examples.find((e) => e.file === 'check.ts')!;
    writeFileSync(join(app, deno.file), deno.source.code);
    const denoDir = mkdtempSync(join(tmpdir(), 'pgc-deno-'));
    try {
      const command = commandAndOutput(deno.expected).command.replace(/ --allow-env=\S+/, '');
      const result = await run('sh', ['-c', command], { cwd: app, env: { PATH, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' } });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('NotCapable: Requires env access to "LOG_TOKENS"');
    } finally {
      rmSync(denoDir, { recursive: true, force: true });
    }
  });

  it('index.html shows what the page says in Chromium, served over HTTP without a bundler', async () => {
    const page = examples.find((e) => e.file === 'index.html')!;
    expect(page.expected.lang).toBe('text');
    writeFileSync(join(app, page.file), page.source.code);
    const server = await serveStatic(tmp, ['app']);
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      await tab.goto(`${server.url}/app/index.html`);
      await tab.waitForFunction(() => /\S/.test(document.body?.textContent ?? ''), undefined, { timeout: 30_000 });
      const shown = (await tab.textContent('body'))!.trim();
      console.log(`[chromium] index.html shows: ${shown}`);
      expect(errors).toEqual([]);
      expect(shown).toBe(page.expected.code.trim());
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
