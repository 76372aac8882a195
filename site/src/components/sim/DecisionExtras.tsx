// What the workspace view shows under the decision: the exposure chart and the export to code.
// Mounted by Playground.tsx with one line; the chart library loads after the decision is shown.
import type { WorkspaceResult } from '../../lib/evaluate-workspace';
import type { Workspace } from '../../lib/workspace';
import { ExposureChart } from './ExposureChart';
import { WorkspaceExport } from './WorkspaceExport';

/**
 * The exposure view and the export panel for the decision on screen.
 *
 * @example
 * ```tsx
 * <DecisionExtras result={shown} ws={ws} />
 * ```
 */
export function DecisionExtras({ result, ws }: { result: Extract<WorkspaceResult, { ok: true }> | null; ws: Workspace }) {
  return (
    <>
      {result && <ExposureChart inputs={result.inputs} decision={result.decision} policyText={result.policyText} />}
      <WorkspaceExport ws={ws} />
    </>
  );
}
