// The simulator mode: a scenario (preset, shared link or the user's own) run through a real
// PolicyGate, its blotter, its timeline, and its export. Loaded only when the mode is opened.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { exportScenario } from '../../lib/sim/export';
import { findScenario, SCENARIOS } from '../../lib/sim/presets';
import { runScenario, type SimRun, type SimStep } from '../../lib/sim/run';
import type { SimEvent, SimScenario } from '../../lib/sim/scenario';
import { decodeScenario, encodeScenario, SCENARIO_PARAM, SIM_PARAM } from '../../lib/sim/share';
import { zipFiles } from '../../lib/export/zip';
import { CodeEditor } from '../CodeEditor';
import { Timeline } from './Timeline';
import './sim.css';

const firstScenario = SCENARIOS[0]!;

/** Reads a scenario from the URL fragment (`#sim=…` or `#scenario=ID`), if there is one. */
async function fromHash(hash: string): Promise<{ scenario: SimScenario; presetId: string | null } | { problem: string } | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const encoded = params.get(SIM_PARAM);
  const id = params.get(SCENARIO_PARAM);
  if (encoded) {
    try {
      const scenario = await decodeScenario(encoded);
      const preset = SCENARIOS.find((p) => JSON.stringify(p.scenario) === JSON.stringify(scenario));
      return { scenario, presetId: preset?.id ?? null };
    } catch (e) {
      return { problem: `This link's scenario could not be restored: ${(e as Error).message}.` };
    }
  }
  if (id) {
    const preset = findScenario(id);
    return preset ? { scenario: preset.scenario, presetId: preset.id } : { problem: `There is no scenario '${id}'.` };
  }
  return null;
}

function describe(e: SimEvent): string {
  if (e.kind === 'order') return `${e.side} ${e.qty} ${e.symbol} (${e.strategy})`;
  if (e.kind === 'prices')
    return `prices ${Object.entries(e.prices)
      .map(([s, p]) => `${s} ${p}`)
      .join(', ')}`;
  return `reset: ${e.reason}`;
}

function Row({ step, index, onRemove }: { step: SimStep; index: number; onRemove: () => void }) {
  const order = step.kind === 'order' ? step : null;
  const kind = order?.decision.decision;
  return (
    <tr
      data-kind={step.kind}
      data-intent={order?.event.id ?? ''}
      data-decision={kind ?? ''}
      data-tripped={order?.tripped ? 'true' : 'false'}
      className={order?.tripped ? 'blotter__row--trip' : undefined}
    >
      <td>{step.event.at}</td>
      <th scope="row">{order ? order.event.id : step.kind === 'reset' ? 'reset' : 'prices'}</th>
      <td>{describe(step.event)}</td>
      <td>
        {order ? (
          <span className={`pill pill--${kind!.toLowerCase()}`} data-testid="gate-decision">
            {kind}
          </span>
        ) : step.kind === 'reset' ? (
          step.applied ? (
            'switch reset'
          ) : (
            'nothing to reset'
          )
        ) : (
          'marks + equity'
        )}
        {order?.tripped && (
          <strong className="blotter__trip" data-testid="trip-flag">
            {' '}
            trips kill switch
          </strong>
        )}
      </td>
      <td className="blotter__rules">{order ? order.decision.violations.map((v) => v.rule_id).join(', ') || '—' : ''}</td>
      <td>{order ? (order.filledQty ? `${order.filledQty} @ ${order.fillPrice}` : '—') : ''}</td>
      <td>{order ? <span className={`pill pill--${order.stateless.decision.toLowerCase()}`}>{order.stateless.decision}</span> : ''}</td>
      <td>
        <button type="button" className="link-button" onClick={onRemove} aria-label={`Remove event ${index + 1} (${step.event.at})`}>
          ×
        </button>
      </td>
    </tr>
  );
}

function AddEvent({ onAdd, nextId }: { onAdd: (e: SimEvent) => void; nextId: string }) {
  const [kind, setKind] = useState<SimEvent['kind']>('order');
  const [at, setAt] = useState('12:00:00');
  const [symbol, setSymbol] = useState('AAPL');
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [qty, setQty] = useState('10');
  const [strategy, setStrategy] = useState('manual');
  const [price, setPrice] = useState('200');
  const [reason, setReason] = useState('risk desk: reviewed');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (ev: React.FormEvent) => {
    ev.preventDefault();
    const time = at.length === 5 ? `${at}:00` : at;
    if (!/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(time)) return setProblem('Time must be HH:MM:SS.');
    if (kind === 'order') {
      const q = Number(qty);
      if (!(q > 0) || !Number.isFinite(q)) return setProblem('Quantity must be a number > 0.');
      if (!symbol.trim()) return setProblem('Symbol is required.');
      onAdd({ kind: 'order', at: time, id: nextId, strategy: strategy.trim() || 'manual', symbol: symbol.trim(), side, qty: q });
    } else if (kind === 'prices') {
      const p = Number(price);
      if (!(p > 0) || !Number.isFinite(p)) return setProblem('Price must be a number > 0.');
      onAdd({ kind: 'prices', at: time, prices: { [symbol.trim()]: p } });
    } else {
      if (!reason.trim()) return setProblem('A reset needs a reason.');
      onAdd({ kind: 'reset', at: time, reason: reason.trim() });
    }
    setProblem(null);
  };
  return (
    <form className="sim-add" onSubmit={submit} aria-label="Add an event">
      <label>
        Event
        <select value={kind} onChange={(e) => setKind(e.target.value as SimEvent['kind'])}>
          <option value="order">Order</option>
          <option value="prices">Price move</option>
          <option value="reset">Kill-switch reset</option>
        </select>
      </label>
      <label>
        Time (UTC)
        <input value={at} onChange={(e) => setAt(e.target.value)} inputMode="numeric" size={8} data-testid="add-at" />
      </label>
      {kind !== 'reset' && (
        <label>
          Symbol
          <input value={symbol} onChange={(e) => setSymbol(e.target.value)} size={6} />
        </label>
      )}
      {kind === 'order' && (
        <>
          <label>
            Side
            <select value={side} onChange={(e) => setSide(e.target.value as 'buy' | 'sell')}>
              <option value="buy">buy</option>
              <option value="sell">sell</option>
            </select>
          </label>
          <label>
            Qty
            <input value={qty} onChange={(e) => setQty(e.target.value)} inputMode="decimal" size={6} data-testid="add-qty" />
          </label>
          <label>
            Strategy
            <input value={strategy} onChange={(e) => setStrategy(e.target.value)} size={8} />
          </label>
        </>
      )}
      {kind === 'prices' && (
        <label>
          Price
          <input value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" size={8} />
        </label>
      )}
      {kind === 'reset' && (
        <label>
          Reason
          <input value={reason} onChange={(e) => setReason(e.target.value)} size={24} />
        </label>
      )}
      <button type="submit">Add</button>
      {problem && (
        <span role="alert" className="sim-add__problem">
          {problem}
        </span>
      )}
    </form>
  );
}

function download(name: string, bytes: Uint8Array<ArrayBuffer>, type: string) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The trading-day simulator.
 *
 * @example
 * ```tsx
 * <Simulator active />
 * ```
 */
export default function Simulator({ active }: { active: boolean }) {
  const [scenario, setScenario] = useState<SimScenario>(firstScenario.scenario);
  const [presetId, setPresetId] = useState<string | null>(firstScenario.id);
  const [run, setRun] = useState<SimRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [linkProblem, setLinkProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [restored, setRestored] = useState(false);
  const activeRef = useRef(active);
  activeRef.current = active;

  useEffect(() => {
    const restore = async () => {
      const found = await fromHash(window.location.hash);
      if (found && 'problem' in found) setLinkProblem(found.problem);
      else if (found) {
        setScenario(found.scenario);
        setPresetId(found.presetId);
        setLinkProblem(null);
      }
      setRestored(true);
    };
    void restore();
    const onHash = () => {
      if (/(^|[#&])(sim|scenario)=/.test(window.location.hash)) void restore();
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!restored) return;
    let current = true;
    void (async () => {
      try {
        const next = await runScenario(scenario);
        if (!current) return;
        setRun(next);
        setError(null);
      } catch (e) {
        if (current) setError((e as Error).message);
      }
      const encoded = await encodeScenario(scenario);
      if (current && activeRef.current) history.replaceState(null, '', `#${SIM_PARAM}=${encoded}`);
    })();
    return () => {
      current = false;
    };
  }, [scenario, restored]);

  // Back in this mode: put the scenario back into the address bar.
  useEffect(() => {
    if (active && restored) void encodeScenario(scenario).then((e) => history.replaceState(null, '', `#${SIM_PARAM}=${e}`));
  }, [active, restored, scenario]);

  const edit = useCallback((next: SimScenario) => {
    setScenario(next);
    setPresetId(null);
  }, []);
  const nextId = useMemo(() => {
    const ids = new Set(scenario.events.flatMap((e) => (e.kind === 'order' ? [e.id] : [])));
    let n = ids.size + 1;
    while (ids.has(`order-${n}`)) n++;
    return `order-${n}`;
  }, [scenario]);
  const exported = useMemo(() => (run ? exportScenario(scenario, run) : null), [scenario, run]);
  const preset = SCENARIOS.find((p) => p.id === presetId);
  // The blotter lists the run's steps, which are the events in time order: removing row k removes
  // that event from the scenario (found by identity).
  const sortedEventsOfRun = run?.steps.map((s) => s.event) ?? [];

  const copyLink = async () => {
    const url = `${location.origin}${location.pathname}#${SIM_PARAM}=${await encodeScenario(scenario)}`;
    try {
      await navigator.clipboard.writeText(url);
      setStatus('Link copied to the clipboard.');
    } catch {
      setStatus('Copy the address from the address bar: it holds the whole scenario.');
    }
  };

  return (
    <div className="simulator" data-testid="simulator">
      <section className="presets" aria-labelledby="scenarios-title">
        <h2 id="scenarios-title">Scenarios</h2>
        <ul className="presets__list">
          {SCENARIOS.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="preset"
                aria-pressed={p.id === presetId}
                data-scenario={p.id}
                onClick={() => {
                  setScenario(p.scenario);
                  setPresetId(p.id);
                  setLinkProblem(null);
                }}
              >
                {p.title}
              </button>
            </li>
          ))}
        </ul>
        <p className="presets__story" aria-live="polite">
          {preset ? preset.story : 'Your own scenario: add, remove or edit events and the day is run again.'}
        </p>
      </section>
      {linkProblem && (
        <p className="banner banner--error" role="alert">
          {linkProblem}
        </p>
      )}
      {error && (
        <p className="banner banner--error" role="alert" data-testid="sim-error">
          {error}
        </p>
      )}

      {run && <Timeline run={run} />}

      <section className="blotter" aria-labelledby="blotter-title">
        <h3 id="blotter-title">Blotter</h3>
        <p className="blotter__note">
          Each order is checked by a <code>PolicyGate</code> on its state at that time (order windows, kill switch, positions, equity) and filled at the mark when sent. The last column is what{' '}
          <code>policygate-eval --intents</code> decides for the same order without a gate (see Export).
        </p>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Blotter table">
          <table data-testid="blotter">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Details</th>
                <th scope="col">Gate</th>
                <th scope="col">Rules</th>
                <th scope="col">Filled</th>
                <th scope="col">CLI (stateless)</th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {run?.steps.map((step, i) => (
                <Row key={`${step.event.at}-${i}`} step={step} index={i} onRemove={() => edit({ ...scenario, events: scenario.events.filter((e) => e !== sortedEventsOfRun[i]) })} />
              ))}
            </tbody>
          </table>
        </div>
        <AddEvent nextId={nextId} onAdd={(e) => edit({ ...scenario, events: [...scenario.events, e] })} />
      </section>

      <details className="sim-policy">
        <summary>Policy and start of day</summary>
        <p>
          Start of day {scenario.date}: equity {scenario.start.equity.toLocaleString('en-US')}, positions{' '}
          {Object.entries(scenario.start.positions)
            .map(([s, q]) => `${s} ${q} @ ${scenario.start.prices[s]}`)
            .join(', ')}
          .
        </p>
        <CodeEditor
          id="sim-policy"
          label="Scenario policy (YAML)"
          language="yaml"
          value={scenario.policy}
          onChange={(text) => edit({ ...scenario, policy: text })}
          issues={undefined}
          minHeight="12rem"
          maxHeight="30rem"
        />
      </details>

      <section className="sim-export" aria-labelledby="sim-export-title">
        <h3 id="sim-export-title">Share and export</h3>
        <div className="share">
          <button type="button" onClick={copyLink}>
            Copy share link
          </button>
          <button type="button" disabled={!exported} data-testid="sim-export" onClick={() => exported && download('policygate-scenario.zip', zipFiles(exported.files), 'application/zip')}>
            Download files (.zip)
          </button>
          <span role="status" className="share__status">
            {status}
          </span>
        </div>
        {exported && (
          <>
            <p>
              <code>policygate-eval --intents</code> keeps no state between lines: it evaluates every intent against the same files. The zip holds the day two ways. Stateless, against the start of the
              day (the “CLI” column):
            </p>
            <pre className="sim-command" data-testid="stateless-command">
              {exported.statelessCommand}
            </pre>
            <p>
              As the gate decided: each order with the state the gate held when it checked it (<code>orders/NN-ID/</code>), one command per order, all in <code>run-orders.sh</code>:
            </p>
            <pre className="sim-command" data-testid="order-commands">
              {exported.orderCommands.join('\n')}
            </pre>
          </>
        )}
      </section>
    </div>
  );
}
