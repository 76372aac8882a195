// The simulator's timeline: three charts on one time axis — equity and drawdown, gross and net
// exposure, the global order rate against its limit — with the kill switch's trips and resets
// marked on each (HTML markers placed with uPlot's valToPos, so they can be read and tested).
import { useCallback, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { KillMarker, SimRun } from '../../lib/sim/run';
import { type ChartOptions, UPlotChart } from './UPlotChart';

const hhmmss = (t: number) => new Date(t * 1000).toISOString().slice(11, 19);

function timeAxis(): uPlot.Axis {
  return { values: (_u, splits) => splits.map((v) => hhmmss(v).slice(0, 5)), size: 32 };
}

interface Placed {
  marker: KillMarker;
  left: number;
}

function Markers({ placed, testId }: { placed: Placed[]; testId: string }) {
  return (
    <div className="timeline__markers" aria-hidden="true">
      {placed.map(({ marker, left }) => (
        <div
          key={`${marker.event}-${marker.t}-${marker.intentId}`}
          className={`timeline__marker timeline__marker--${marker.event}`}
          style={{ left }}
          data-testid={testId}
          data-event={marker.event}
          data-intent={marker.intentId ?? ''}
          data-at={marker.at}
        >
          <span>{marker.event === 'trip' ? `trip ${marker.intentId ?? ''}` : 'reset'}</span>
        </div>
      ))}
    </div>
  );
}

function useMarkers(markers: readonly KillMarker[]) {
  const [placed, setPlaced] = useState<Placed[]>([]);
  const onDraw = useCallback(
    (u: uPlot) => {
      // bbox is in canvas pixels; valToPos gives CSS pixels within the plot area.
      const offset = u.over.offsetLeft;
      const next = markers.map((m) => ({ marker: m, left: offset + u.valToPos(m.t, 'x') }));
      setPlaced((prev) => (prev.length === next.length && prev.every((p, i) => Math.abs(p.left - next[i]!.left) < 0.5) ? prev : next));
    },
    [markers],
  );
  return { placed, onDraw };
}

/**
 * The simulator's timeline charts.
 *
 * @example
 * ```tsx
 * <Timeline run={run} />
 * ```
 */
export function Timeline({ run }: { run: SimRun }) {
  const xs = useMemo(() => run.timeline.map((p) => p.t), [run]);
  const equityData = useMemo<uPlot.AlignedData>(() => [xs, run.timeline.map((p) => p.equity), run.timeline.map((p) => p.drawdown * 100), run.timeline.map(() => run.drawdownLimit * 100)], [run, xs]);
  const exposureData = useMemo<uPlot.AlignedData>(() => [xs, run.timeline.map((p) => p.grossX), run.timeline.map((p) => p.netX)], [run, xs]);
  const rateData = useMemo<uPlot.AlignedData>(() => [xs, run.timeline.map((p) => p.ordersLast60s), run.timeline.map(() => run.rateLimit)], [run, xs]);

  const equityOptions = useMemo<ChartOptions>(
    () => ({
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, dd: { range: (_u, _min, max) => [0, Math.max(max, run.drawdownLimit * 100 * 1.2)] } },
      axes: [
        timeAxis(),
        { values: (_u, s) => s.map((v) => `${(v / 1000).toFixed(1)}k`), size: 56 },
        { scale: 'dd', side: 1, values: (_u, s) => s.map((v) => `${v.toFixed(1)}%`), grid: { show: false }, size: 52 },
      ],
      series: [
        { value: (_u, v) => (v == null ? '' : hhmmss(v)) },
        { label: 'Equity', stroke: '#1d4ed8', width: 2, value: (_u, v) => (v == null ? '' : v.toFixed(0)) },
        { label: 'Drawdown %', stroke: '#b91c1c', scale: 'dd', width: 2, value: (_u, v) => (v == null ? '' : `${v.toFixed(2)}%`) },
        { label: 'Drawdown limit', stroke: '#b91c1c', dash: [6, 4], scale: 'dd', width: 1, points: { show: false } },
      ],
    }),
    [run.drawdownLimit],
  );
  const exposureOptions = useMemo<ChartOptions>(
    () => ({
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [timeAxis(), { values: (_u, s) => s.map((v) => `${v.toFixed(2)}x`), size: 56 }],
      series: [
        { value: (_u, v) => (v == null ? '' : hhmmss(v)) },
        { label: 'Gross x', stroke: '#92400e', width: 2, value: (_u, v) => (v == null ? '' : `${v.toFixed(3)}x`) },
        { label: 'Net x', stroke: '#166534', width: 2, value: (_u, v) => (v == null ? '' : `${v.toFixed(3)}x`) },
      ],
    }),
    [],
  );
  const rateOptions = useMemo<ChartOptions>(
    () => ({
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(max, run.rateLimit) * 1.1] } },
      axes: [timeAxis(), { size: 56 }],
      series: [
        { value: (_u, v) => (v == null ? '' : hhmmss(v)) },
        { label: 'Orders in last 60 s', stroke: '#4b5563', width: 2 },
        { label: 'Global limit / min', stroke: '#b91c1c', dash: [6, 4], width: 1, points: { show: false } },
      ],
    }),
    [run.rateLimit],
  );

  const a = useMarkers(run.markers);
  const b = useMarkers(run.markers);
  const c = useMarkers(run.markers);
  return (
    <section className="timeline" aria-labelledby="timeline-title" data-testid="timeline">
      <h3 id="timeline-title">Timeline</h3>
      <div className="timeline__chart">
        <UPlotChart options={equityOptions} data={equityData} height={190} label="Equity and drawdown over the day" onDraw={a.onDraw} testId="timeline-equity" />
        <Markers placed={a.placed} testId="kill-marker" />
      </div>
      <div className="timeline__chart">
        <UPlotChart options={exposureOptions} data={exposureData} height={150} label="Gross and net exposure over the day" onDraw={b.onDraw} testId="timeline-exposure" />
        <Markers placed={b.placed} testId="kill-marker-exposure" />
      </div>
      <div className="timeline__chart">
        <UPlotChart options={rateOptions} data={rateData} height={150} label="Orders in the last 60 seconds against the global limit" onDraw={c.onDraw} testId="timeline-rate" />
        <Markers placed={c.placed} testId="kill-marker-rate" />
      </div>
      <ul className="timeline__events" data-testid="kill-events">
        {run.markers.length === 0 && <li>The kill switch never tripped.</li>}
        {run.markers.map((m) => (
          <li key={`${m.event}-${m.t}`} data-event={m.event} data-intent={m.intentId ?? ''}>
            <span className={`timeline__dot timeline__dot--${m.event}`} aria-hidden="true" /> {hhmmss(m.t)} — kill switch {m.event === 'trip' ? `tripped at order ${m.intentId}` : 'reset'}: {m.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}
