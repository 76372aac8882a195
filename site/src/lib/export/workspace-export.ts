// "From playground to code": the current workspace as a program that gives the same decision on
// Node, Deno or Bun, and as the five files with the CLI command that evaluates them.
import { EDITOR_IDS, EDITORS, type Workspace } from '../workspace';

/** The runtimes a snippet is written for. */
export type Runtime = 'node' | 'deno' | 'bun';

/** How each runtime imports the package and runs the file. */
export const RUNTIMES: Record<Runtime, { label: string; specifier: string; file: string; run: string; install: string }> = {
  node: { label: 'Node', specifier: 'policygate-capital', file: 'decide.mjs', run: 'node decide.mjs', install: 'npm install policygate-capital' },
  deno: { label: 'Deno', specifier: 'npm:policygate-capital', file: 'decide.ts', run: 'deno run decide.ts', install: '(nothing to install: Deno fetches npm: packages)' },
  bun: { label: 'Bun', specifier: 'policygate-capital', file: 'decide.ts', run: 'bun decide.ts', install: 'bun add policygate-capital' },
};

/**
 * The CLI command that evaluates the exported files.
 *
 * @example
 * ```ts
 * WORKSPACE_COMMAND // 'npx policygate-eval --policy policy.yaml --intent intent.json …'
 * ```
 */
export const WORKSPACE_COMMAND = 'npx policygate-eval --policy policy.yaml --intent intent.json --portfolio portfolio.json --market market.json --execution execution.json --pretty';

// A JavaScript template literal holding `text` exactly (backslashes, backticks and `${` escaped).
const templateLiteral = (text: string) => `\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;

/**
 * A ready-to-run program that evaluates the workspace's order with the package and prints the
 * decision. The editors' texts are embedded as they are (the JSON parsed and validated at run time
 * with the package's own parsers, as the playground does), so an edit in the page is an edit in the snippet.
 *
 * @example
 * ```ts
 * await navigator.clipboard.writeText(workspaceSnippet(ws, 'deno'))
 * ```
 */
export function workspaceSnippet(ws: Workspace, runtime: Runtime): string {
  const { specifier, run, install } = RUNTIMES[runtime];
  return [
    `// ${RUNTIMES[runtime].file} — ${install}; then: ${run}`,
    `import { PolicyEngine, parseExecutionState, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from '${specifier}';`,
    '',
    `const policyYaml = ${templateLiteral(ws.policy)};`,
    `const intent = parseOrderIntent(JSON.parse(${templateLiteral(ws.intent)}));`,
    `const portfolio = parsePortfolioState(JSON.parse(${templateLiteral(ws.portfolio)}));`,
    `const market = parseMarketSnapshot(JSON.parse(${templateLiteral(ws.market)}));`,
    `const execution = parseExecutionState(JSON.parse(${templateLiteral(ws.execution)}));`,
    '',
    'const engine = await PolicyEngine.fromYaml(policyYaml);',
    'const decision = engine.evaluate(intent, portfolio, market, execution);',
    'console.log(JSON.stringify(decision, null, 2));',
    '',
  ].join('\n');
}

/**
 * The workspace as the five files the CLI reads (`policy.yaml`, `intent.json`, …), plus a README
 * with {@link WORKSPACE_COMMAND} and the three snippets.
 *
 * @example
 * ```ts
 * const files = workspaceFiles(ws) // { 'policy.yaml': …, 'intent.json': …, … }
 * ```
 */
export function workspaceFiles(ws: Workspace): Record<string, string> {
  const files: Record<string, string> = {};
  for (const id of EDITOR_IDS) files[EDITORS[id].file] = ws[id].endsWith('\n') ? ws[id] : `${ws[id]}\n`;
  files['README.txt'] = [
    'A PolicyGate Capital workspace exported from the playground.',
    '',
    'With the CLI (npm install policygate-capital):',
    `  ${WORKSPACE_COMMAND}`,
    '',
    'From code: decide.mjs (Node), decide.ts (Deno, Bun).',
    '',
  ].join('\n');
  files['decide.mjs'] = workspaceSnippet(ws, 'node');
  files['deno/decide.ts'] = workspaceSnippet(ws, 'deno');
  files['bun/decide.ts'] = workspaceSnippet(ws, 'bun');
  return files;
}
