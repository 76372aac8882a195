// A uPlot chart as a React component. uPlot's script is loaded with a dynamic import() when
// the first chart comes near the viewport, so the playground's first decision never waits for the
// chart code and a page that is not scrolled to a chart never fetches it (cached by the service
// worker afterwards).
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
// The stylesheet is small (about 1.5 kB gzipped) and Astro puts an island's CSS into the page's own
// stylesheet anyway: imported statically, so that only the script is a lazy chunk.
import 'uplot/dist/uPlot.min.css';

/** Options of a chart without its size (the chart takes its container's width). */
export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** Props of {@link UPlotChart}. */
export interface UPlotChartProps {
  /** The options, or a function of the loaded uPlot class for options that use its path builders (`U.paths.bars`). */
  options: ChartOptions | ((U: typeof uPlot) => ChartOptions);
  data: uPlot.AlignedData;
  height: number;
  /** Describes the chart for screen readers (the canvas itself says nothing). */
  label: string;
  /** Called after every draw with the chart (for overlays positioned with `valToPos`). */
  onDraw?: (chart: uPlot) => void;
  testId?: string;
}

let loading: Promise<typeof uPlot> | undefined;
/** Loads uPlot once per page (a cache of an immutable module, not state). */
function loadUPlot(): Promise<typeof uPlot> {
  loading ??= import('uplot').then((m) => m.default);
  return loading;
}

// uPlot draws its legend below the canvas (one inline row: 14 px text, 4 px padding). The chart is
// made when it comes near the viewport, so its box reserves the legend's row too: without it the
// page below grew by a row as the user scrolled to it (a click there could land on the next control).
const LEGEND_RESERVE = 32;

/**
 * A canvas chart drawn by uPlot, as wide as its container.
 *
 * @example
 * ```tsx
 * <UPlotChart options={{ series: [{}, { label: 'Equity' }] }} data={[xs, ys]} height={200} label="Equity over the day" />
 * ```
 */
export function UPlotChart({ options, data, height, label, onDraw, testId }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const drawRef = useRef(onDraw);
  drawRef.current = onDraw;
  const [ready, setReady] = useState(false);
  const [near, setNear] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el || near) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: '200px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [near]);

  // (Re)create the chart when the options change; new data alone is only setData.
  // biome-ignore lint/correctness/useExhaustiveDependencies: data is applied by the effect below
  useEffect(() => {
    if (!near) return;
    let cancelled = false;
    void loadUPlot().then((UPlot) => {
      if (cancelled || !box.current) return;
      const width = Math.max(240, box.current.clientWidth);
      const opts = typeof options === 'function' ? options(UPlot) : options;
      const hooks = { ...opts.hooks, draw: [...(opts.hooks?.draw ?? []), (u: uPlot) => drawRef.current?.(u)] };
      chart.current = new UPlot({ ...opts, hooks, width, height }, data, box.current);
      setReady(true);
    });
    return () => {
      cancelled = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [options, height, near]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (chart.current && el.clientWidth > 0) chart.current.setSize({ width: Math.max(240, el.clientWidth), height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [height]);

  return (
    <figure className="chart" data-testid={testId} data-ready={ready ? 'true' : 'false'}>
      <div ref={box} className="chart__canvas" role="img" aria-label={label} style={{ minHeight: height + LEGEND_RESERVE }} />
    </figure>
  );
}
