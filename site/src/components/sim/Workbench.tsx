// The home page's island: two modes, "Workspace" (the playground: one order, five editors) and
// "Simulator" (a trading day on a PolicyGate). The simulator's code and the chart library are
// separate chunks, fetched only when the simulator is opened (or a chart is drawn).
import { lazy, Suspense, useEffect, useState } from 'react';
import { Playground } from '../Playground';

const Simulator = lazy(() => import('./Simulator'));

type Mode = 'workspace' | 'simulator';
const SIM_HASH = /(^|[#&])(sim|scenario)=/;

/**
 * The playground with its two modes. A link with `#sim=…` or `#scenario=ID` opens the simulator.
 *
 * @example
 * ```astro
 * <Workbench client:load />
 * ```
 */
export function Workbench() {
  const [mode, setMode] = useState<Mode>('workspace');
  const [simOpened, setSimOpened] = useState(false);
  // The server-rendered tabs do nothing until React has hydrated them: disabled until then.
  const [hydrated, setHydrated] = useState(false);

  // After hydration (the server renders the workspace): open the simulator for a simulator link.
  useEffect(() => {
    const sync = () => {
      const hash = window.location.hash;
      if (SIM_HASH.test(hash)) {
        setMode('simulator');
        setSimOpened(true);
      } else if (/(^|[#&])(w|preset)=/.test(hash)) setMode('workspace');
    };
    sync();
    setHydrated(true);
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);

  const choose = (next: Mode) => {
    setMode(next);
    if (next === 'simulator') setSimOpened(true);
  };

  return (
    <>
      <div className="mode-switch" role="tablist" aria-label="Mode">
        {(['workspace', 'simulator'] as const).map((m) => (
          <button key={m} type="button" role="tab" id={`mode-${m}`} aria-selected={mode === m} aria-controls={`panel-${m}`} data-mode={m} onClick={() => choose(m)} disabled={!hydrated}>
            {m === 'workspace' ? 'Workspace' : 'Simulator'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="panel-workspace" aria-labelledby="mode-workspace" hidden={mode !== 'workspace'}>
        <Playground active={mode === 'workspace'} />
      </div>
      {simOpened && (
        <div role="tabpanel" id="panel-simulator" aria-labelledby="mode-simulator" hidden={mode !== 'simulator'}>
          <Suspense fallback={<p>Loading the simulator…</p>}>
            <Simulator active={mode === 'simulator'} />
          </Suspense>
        </div>
      )}
    </>
  );
}
