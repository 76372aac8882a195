// A scenario in a link, made as the workspace's (../share.ts: JSON, deflate-raw compressed,
// base64url), in the URL fragment `#sim=…` (never sent to a server).
// `#scenario=ID` opens a preset.
import { decodeShared, encodeShared } from '../share';
import { asScenario, type SimScenario } from './scenario';

/** The fragment key of a shared scenario: `#sim=<version><base64url>`. */
export const SIM_PARAM = 'sim';
/** The fragment key of a scenario preset: `#scenario=drawdown-crash`. */
export const SCENARIO_PARAM = 'scenario';

/**
 * Encodes a scenario for a URL fragment.
 *
 * @example
 * ```ts
 * location.hash = `${SIM_PARAM}=${await encodeScenario(scenario)}`
 * ```
 */
export async function encodeScenario(scenario: SimScenario): Promise<string> {
  return encodeShared(asScenario(scenario));
}

/**
 * Decodes what {@link encodeScenario} made.
 *
 * @throws {Error} saying what is wrong (version, encoding, damaged data, not a scenario and which field).
 * @example
 * ```ts
 * const scenario = await decodeScenario(new URLSearchParams(location.hash.slice(1)).get(SIM_PARAM)!)
 * ```
 */
export async function decodeScenario(encoded: string): Promise<SimScenario> {
  return asScenario(await decodeShared(encoded, 'scenario'));
}
