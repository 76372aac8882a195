// The exposure view under the decision: per symbol, the long (> 0) or short (< 0) notional before
// and after the order as bars, and a table with each symbol's share of gross and net exposure.
import { parsePolicyYaml, type Decision } from 'policygate-capital';
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { EvaluatedInputs } from '../../lib/evaluate-workspace';
import { exposureView } from '../../lib/sim/exposure';
import { type ChartOptions, UPlotChart } from './UPlotChart';
import './sim.css';

const money = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/** Props of {@link ExposureChart}. */
export interface ExposureChartProps {
  inputs: EvaluatedInputs;
  decision: Decision;
  /** The policy text (for the instruments' multipliers of a v0.2 policy). */
  policyText: string;
}

function multipliersOf(policyText: string): Record<string, number> {
  try {
    const instruments = parsePolicyYaml(policyText).instruments ?? {};
    return Object.fromEntries(Object.entries(instruments).map(([s, i]) => [s, i.multiplier ?? 1]));
  } catch {
    return {};
  }
}

/**
 * Per-symbol exposure before and after the order, as a bar chart and a table.
 *
 * @example
 * ```tsx
 * <ExposureChart inputs={result.inputs} decision={result.decision} policyText={result.policyText} />
 * ```
 */
export function ExposureChart({ inputs, decision, policyText }: ExposureChartProps) {
  const multipliers = useMemo(() => multipliersOf(policyText), [policyText]);
  const view = useMemo(() => exposureView(inputs.intent, inputs.portfolio, inputs.market, decision, multipliers), [inputs, decision, multipliers]);
  const symbols = view.rows.map((r) => r.symbol);
  const key = symbols.join('|');
  // Bars at x = 0 … n−1 (before on the left of each symbol, after on the right), with empty slots at
  // −1 and n so that uPlot measures the bar width from a one-unit gap even for a single symbol.
  const data = useMemo(() => {
    const pad = (values: number[]) => [null, ...values, null];
    return [[-1, ...symbols.map((_, i) => i), symbols.length], pad(view.rows.map((r) => r.before)), pad(view.rows.map((r) => r.after))] as uPlot.AlignedData;
  }, [view, symbols]);
  const values = view.rows.flatMap((r) => [r.before, r.after]);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const yRange: [number, number] = [lo === 0 ? 0 : lo - span * 0.1, hi === 0 ? 0 : hi + span * 0.1];
  // biome-ignore lint/correctness/useExhaustiveDependencies: the options depend only on the symbols (key), the hypothetical flag and the range
  const options = useMemo(
    () =>
      (U: typeof uPlot): ChartOptions => {
        const bars = (align: 1 | -1) => U.paths.bars!({ size: [0.35, 48], align });
        const money = (v: number) => (Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(Math.abs(v) >= 10_000 ? 0 : 1)}k` : v.toFixed(0));
        return {
          legend: { show: true, live: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [-0.6, symbols.length - 0.4] }, y: { range: () => (yRange[0] === yRange[1] ? [-1, 1] : yRange) } },
          axes: [
            { values: (_u: unknown, splits: number[]) => splits.map((v) => (Number.isInteger(v) ? (symbols[v] ?? '') : '')), splits: () => symbols.map((_, i) => i), grid: { show: false } },
            { values: (_u: unknown, splits: number[]) => splits.map(money), size: 56 },
          ],
          series: [
            {},
            { label: 'Before', fill: 'rgba(75, 85, 99, 0.55)', stroke: '#4b5563', points: { show: false }, paths: bars(-1) },
            {
              label: view.hypothetical ? 'After (were it sent)' : 'After',
              fill: 'rgba(29, 78, 216, 0.6)',
              stroke: '#1d4ed8',
              points: { show: false },
              paths: bars(1),
            },
          ],
        };
      },
    [key, view.hypothetical, yRange[0], yRange[1]],
  );
  const label = `Exposure by symbol before and after the order: ${view.rows.map((r) => `${r.symbol} ${money(r.before)} to ${money(r.after)}`).join('; ')}.`;

  return (
    <section className="exposure" aria-labelledby="exposure-title" data-testid="exposure">
      <h3 id="exposure-title">Exposure by symbol</h3>
      <p className="exposure__note">Long notional above zero, short below; after the order {view.hypothetical ? 'were it sent (it is denied)' : `as sent (qty ${view.qtyAfter})`}.</p>
      <UPlotChart options={options} data={data} height={200} label={label} testId="exposure-chart" />
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Exposure table">
        <table className="exposure__table">
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
              <th scope="col">Share of gross</th>
              <th scope="col">Share of net</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((r) => (
              <tr key={r.symbol} data-symbol={r.symbol}>
                <th scope="row">{r.symbol}</th>
                <td>{money(r.before)}</td>
                <td>{money(r.after)}</td>
                <td>
                  {pct(r.grossShareBefore)} → {pct(r.grossShareAfter)}
                </td>
                <td>
                  {pct(r.netShareBefore)} → {pct(r.netShareAfter)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Gross / net</th>
              <td>
                {money(view.grossBefore)} / {money(view.netBefore)}
              </td>
              <td>
                {money(view.grossAfter)} / {money(view.netAfter)}
              </td>
              <td colSpan={2} />
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
