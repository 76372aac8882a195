import type { ExecutionStateInput, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { parsePolicy, parsePolicyYaml } from '../policy/load.js';
import type { Policy } from '../policy/schema.js';
import { canonicalJson } from '../util/canonical-json.js';
import { policyHash, sha256Hex } from '../util/sha256.js';
import { evaluateCompiled, type EvalScratch } from './evaluate.js';
import { compilePolicy, type CompiledPolicy } from '../policy/compile.js';
import type { Decision } from './types.js';

/**
 * A validated policy with its hash, ready to evaluate orders.
 *
 * @example
 * ```ts
 * const engine = await PolicyEngine.fromYaml(policyText)
 * const decision = engine.evaluate(intent, portfolio, market)
 * console.log(decision.decision) // "MODIFY"
 * ```
 */
export class PolicyEngine {
  /** The validated policy (defaults filled in, deep-frozen). */
  readonly policy: Policy;
  /** Lowercase hex SHA-256 identifying the policy, written into audit events. */
  readonly policyHash: string;

  readonly #compiled: CompiledPolicy | Error;
  /** The per-call scratch of this engine's evaluations (one per call in flight: nested calls get their own). */
  readonly #scratch: EvalScratch[] = [];

  private constructor(policy: Policy, hash: string) {
    this.policy = policy;
    this.policyHash = hash;
    this.#compiled = compilePolicy(policy);
  }

  /**
   * Loads a policy from YAML text. The hash is SHA-256 of the text's UTF-8 bytes, the same as the
   * Python package's hash of the same file.
   *
   * @throws {PolicyError} with the line and column of every problem.
   */
  static async fromYaml(text: string): Promise<PolicyEngine> {
    const policy = parsePolicyYaml(text);
    return new PolicyEngine(policy, await policyHash(text));
  }

  /**
   * Loads a policy from a plain object (e.g. parsed JSON). There is no source text, so the hash is
   * SHA-256 of the validated policy's canonical JSON (keys sorted, defaults filled in).
   *
   * @throws {PolicyError} with the path of every problem.
   */
  static async fromObject(value: unknown): Promise<PolicyEngine> {
    const policy = parsePolicy(value);
    return new PolicyEngine(policy, await sha256Hex(canonicalJson(policy)));
  }

  /**
   * Evaluates one order (see {@link evaluate}). `execution` defaults to the empty state. Never throws.
   */
  evaluate(intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot, execution?: ExecutionStateInput): Decision {
    return evaluateCompiled(this.#compiled, intent, portfolio, market, execution, this.#scratch);
  }
}
