// The workbench of the decision on screen, computed after the decision (an engine is built from
// the policy text, which hashes it asynchronously; engines are kept per text for the next edit).
// workbench.ts (explainDecision, PolicyGate: about 15 kB gzipped) is loaded lazily, so the first
// decision does not wait for it.
import { PolicyEngine } from 'policygate-capital';
import { useEffect, useRef, useState } from 'react';
import type { EvaluatedInputs } from './evaluate-workspace';
import type { Workbench } from './workbench';

/** Engines kept for the last few policy texts (editing other inputs reuses them). */
const KEEP = 4;

/** The workbench of the decision on screen, and whether it is still being computed. */
export interface WorkbenchState {
  /** The workbench, or null while it is computed, when an input is missing, or when the policy does not load. */
  wb: Workbench | null;
  /** True from a new decision until its workbench is shown (or has failed): the view below the decision may still grow. */
  pending: boolean;
}

/**
 * The workbench for `policyText` and `inputs` (see {@link WorkbenchState}).
 *
 * @example
 * ```tsx
 * const { wb, pending } = useWorkbench(result.policyText, result.inputs)
 * ```
 */
export function useWorkbench(policyText: string | undefined, inputs: EvaluatedInputs | undefined): WorkbenchState {
  const engines = useRef(new Map<string, Promise<PolicyEngine>>());
  const [workbench, setWorkbench] = useState<{ key: EvaluatedInputs; value: Workbench | null } | null>(null);
  useEffect(() => {
    if (policyText === undefined || inputs === undefined) return;
    let live = true;
    const cache = engines.current;
    let engine = cache.get(policyText);
    if (!engine) {
      engine = PolicyEngine.fromYaml(policyText);
      cache.set(policyText, engine);
      while (cache.size > KEEP) cache.delete(cache.keys().next().value!);
    }
    Promise.all([engine, import('./workbench')])
      .then(([e, { buildWorkbench }]) => {
        if (live) setWorkbench({ key: inputs, value: buildWorkbench(e, policyText, inputs) });
      })
      .catch(() => {
        if (live) setWorkbench({ key: inputs, value: null });
      });
    return () => {
      live = false;
    };
  }, [policyText, inputs]);
  // Never show the workbench of other inputs than the decision's.
  const current = workbench !== null && workbench.key === inputs;
  return { wb: current ? workbench.value : null, pending: policyText !== undefined && inputs !== undefined && !current };
}
