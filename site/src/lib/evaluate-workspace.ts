// Turns the five editor texts into a decision with the real SDK, or into errors that point at the
// editor, line, column and field they are about.
import {
  PolicyEngine,
  PolicyGateError,
  ValidationError,
  locateJsonIssues,
  parseExecutionState,
  parseJsonText,
  parseMarketSnapshot,
  parseOrderIntent,
  parsePortfolioState,
  type Decision,
  type ExecutionState,
  type Issue,
  type MarketSnapshot,
  type OrderIntent,
  type PortfolioState,
} from 'policygate-capital';
import type { EditorId, Workspace } from './workspace';

/** One problem in one editor. `line`/`column` are 1-based and set whenever the place is known. */
export interface EditorIssue {
  /** Dotted field path (`limits.exposure.max_position_pct`), or '' for the document itself. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** Problems by editor; an editor without problems has no entry. */
export type WorkspaceErrors = Partial<Record<EditorId, EditorIssue[]>>;

/** The validated inputs of an evaluation, as the engine saw them (defaults filled in). */
export interface EvaluatedInputs {
  intent: OrderIntent;
  portfolio: PortfolioState;
  market: MarketSnapshot;
  execution: ExecutionState;
}

/** What the workspace evaluates to: a decision, or the errors that prevent one. */
export type WorkspaceResult = { ok: true; decision: Decision; policyHash: string; policyText: string; inputs: EvaluatedInputs } | { ok: false; errors: WorkspaceErrors };

function fromValidation(error: unknown): EditorIssue[] {
  if (error instanceof ValidationError) return error.issues.map((issue) => ({ ...issue }));
  const message = error instanceof PolicyGateError || error instanceof Error ? error.message : String(error);
  return [{ path: '', message }];
}

/** A JSON syntax error as an editor shows it; a blank editor is named as such. */
function syntaxIssue(text: string, { message, line, column }: Issue): EditorIssue {
  const detail = /^[ \t\n\r]*$/.test(text) ? 'Empty document: expected a JSON value' : message.charAt(0).toUpperCase() + message.slice(1);
  return { path: '', message: `JSON syntax error: ${detail}`, line, column };
}

function parseJsonInput<T>(text: string, parse: (value: unknown) => T): { value: T } | { issues: EditorIssue[] } {
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (e) {
    return { issues: e instanceof ValidationError ? e.issues.map((issue) => syntaxIssue(text, issue)) : fromValidation(e) };
  }
  try {
    return { value: parse(value) };
  } catch (e) {
    // An editor points at a field by its key: the line a person looks for.
    return { issues: e instanceof ValidationError ? locateJsonIssues(text, e.issues, { at: 'key' }) : fromValidation(e) };
  }
}

/**
 * Validates every editor and, when all are valid, evaluates the order with the real engine.
 * Never throws: every problem comes back as an {@link EditorIssue} on the editor it is about.
 *
 * @example
 * ```ts
 * const result = await evaluateWorkspace(preset.workspace)
 * if (result.ok) console.log(result.decision.decision)
 * else console.log(result.errors.policy?.[0]?.line)
 * ```
 */
export async function evaluateWorkspace(ws: Workspace): Promise<WorkspaceResult> {
  const errors: WorkspaceErrors = {};
  let engine: PolicyEngine | undefined;
  try {
    engine = await PolicyEngine.fromYaml(ws.policy);
  } catch (e) {
    errors.policy = fromValidation(e);
  }
  const intent = parseJsonInput(ws.intent, parseOrderIntent);
  const portfolio = parseJsonInput(ws.portfolio, parsePortfolioState);
  const market = parseJsonInput(ws.market, parseMarketSnapshot);
  const execution = parseJsonInput(ws.execution, parseExecutionState);
  if ('issues' in intent) errors.intent = intent.issues;
  if ('issues' in portfolio) errors.portfolio = portfolio.issues;
  if ('issues' in market) errors.market = market.issues;
  if ('issues' in execution) errors.execution = execution.issues;
  if (!engine || !('value' in intent) || !('value' in portfolio) || !('value' in market) || !('value' in execution)) {
    return { ok: false, errors };
  }
  const inputs: EvaluatedInputs = { intent: intent.value, portfolio: portfolio.value, market: market.value, execution: execution.value };
  const decision = engine.evaluate(inputs.intent, inputs.portfolio, inputs.market, inputs.execution);
  return { ok: true, decision, policyHash: engine.policyHash, policyText: ws.policy, inputs };
}
