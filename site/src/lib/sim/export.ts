// A scenario as files a user runs with the CLI. `policygate-eval --intents` keeps no state between
// lines (it evaluates every intent against the same portfolio, market and execution files), so
// one intents.jsonl cannot reproduce a gate's day. The export is honest about that and gives both:
//   1. intents.jsonl + the start-of-day files: the stateless decisions (the simulator's "CLI"
//      column), with the one `--intents` command line;
//   2. orders/NN-ID/: each order with the state the gate decided it on (what `checkDetailed`
//      reported), and one `--intents` command line per order, which reproduce the gate's decisions
//      (the spec pins the gate's decisions to `evaluate` on the state it reports).
import type { Decision } from 'policygate-capital';
import type { OrderStep, SimRun } from './run';
import type { SimScenario } from './scenario';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const jsonl = (values: readonly unknown[]) => values.map((v) => `${JSON.stringify(v)}\n`).join('');

/** A decision without `eval_ms` (the one field that differs between two evaluations). */
export function withoutTiming(decision: Decision): Omit<Decision, 'eval_ms'> {
  const { eval_ms: _, ...rest } = decision;
  return rest;
}

/**
 * The command that evaluates the exported intents.jsonl against the start-of-day files.
 *
 * @example
 * ```ts
 * STATELESS_COMMAND // 'npx policygate-eval --policy policy.yaml --intents intents.jsonl …'
 * ```
 */
export const STATELESS_COMMAND = 'npx policygate-eval --policy policy.yaml --intents intents.jsonl --portfolio portfolio.json --market market.json --execution execution.json';

/** The folder of one order's files in the export (`orders/03-crash-3`). */
export function orderFolder(step: OrderStep, index: number): string {
  return `orders/${String(index + 1).padStart(2, '0')}-${step.event.id.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * The command that re-decides one order on the state the gate decided it on.
 *
 * @example
 * ```ts
 * orderCommand('orders/04-crash-4')
 * ```
 */
export function orderCommand(folder: string): string {
  return `npx policygate-eval --policy policy.yaml --intents ${folder}/intents.jsonl --portfolio ${folder}/portfolio.json --market ${folder}/market.json --execution ${folder}/execution.json`;
}

/** The exported files (path → text) and the command lines that run them. */
export interface ScenarioExport {
  files: Record<string, string>;
  /** The stateless run: one `--intents` command over all orders. */
  statelessCommand: string;
  /** The gate's run: one `--intents` command per order, in time order. */
  orderCommands: string[];
}

/**
 * Builds the export of a scenario and its run (see the module notes for what each part reproduces).
 *
 * @example
 * ```ts
 * const { files } = exportScenario(scenario, await runScenario(scenario))
 * download(zipFiles(files))
 * ```
 */
export function exportScenario(scenario: SimScenario, run: SimRun): ScenarioExport {
  const orders = run.steps.filter((s): s is OrderStep => s.kind === 'order');
  const folders = orders.map(orderFolder);
  const orderCommands = folders.map(orderCommand);
  const files: Record<string, string> = {
    'README.txt': [
      'PolicyGate Capital: a trading-day scenario exported from the playground simulator.',
      '',
      'policygate-eval keeps no state between the lines of --intents: every intent is evaluated',
      'against the same portfolio, market and execution files. So there are two ways to run this:',
      '',
      '1. Stateless (each order against the start of the day; no order windows, no kill switch):',
      `   ${STATELESS_COMMAND}`,
      '   prints the decisions in stateless-decisions.jsonl (the simulator\'s "CLI" column).',
      '',
      '2. As the gate decided (each order with the state the PolicyGate held when it checked it):',
      '   sh run-orders.sh',
      '   prints the decisions in gate-decisions.jsonl, one a line, in time order.',
      '',
      'eval_ms is left out of the expected decisions: it is the only field that differs between runs.',
      'Install the CLI with: npm install policygate-capital',
      '',
    ].join('\n'),
    'scenario.json': json(scenario),
    'policy.yaml': scenario.policy,
    'intents.jsonl': jsonl(orders.map((s) => s.intent)),
    'portfolio.json': json(run.startPortfolio),
    'market.json': json(run.startMarket),
    'execution.json': json({}),
    'stateless-decisions.jsonl': jsonl(orders.map((s) => withoutTiming(s.stateless))),
    'gate-decisions.jsonl': jsonl(orders.map((s) => withoutTiming(s.decision))),
    'run-orders.sh': ['#!/bin/sh', '# Re-decides every order on the state the gate held when it checked it (exit status 1 = a DENY).', ...orderCommands, ''].join('\n'),
  };
  orders.forEach((step, i) => {
    const folder = folders[i]!;
    files[`${folder}/intents.jsonl`] = jsonl([step.intent]);
    files[`${folder}/portfolio.json`] = json(step.state.portfolio);
    files[`${folder}/market.json`] = json(step.state.market);
    files[`${folder}/execution.json`] = json(step.state.execution);
  });
  return { files, statelessCommand: STATELESS_COMMAND, orderCommands };
}
