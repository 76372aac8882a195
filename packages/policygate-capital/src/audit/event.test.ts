import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { ValidationError } from '../errors.js';
import { canonicalJson } from '../util/canonical-json.js';
import { buildAuditEvent, serializeAuditEvent } from './event.js';
import { AuditEventSchema } from './schema.js';
import { engine, intent, market, portfolio } from './test-fixtures.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function sample() {
  const eng = await engine();
  const i = intent();
  const p = portfolio();
  const m = market();
  const x = { orders_last_60s_global: 2 };
  const d = eng.evaluate(i, p, m, x);
  return { eng, i, p, m, x, d };
}

/** True when every object's keys, at every depth of the JSON text, are in code-point order. */
function keysSortedEverywhere(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSortedEverywhere);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.every((k, i) => i === 0 || keys[i - 1]! < k) && Object.values(value).every(keysSortedEverywhere);
  }
  return true;
}

describe('buildAuditEvent', () => {
  it('records the four inputs, the decision, the policy hash, the engine version and eval_ms twice', async () => {
    const { eng, i, p, m, d } = await sample();
    const e = buildAuditEvent(d, i, p, m, { orders_last_60s_global: 2 }, eng.policyHash);
    expect(e.policy_hash).toBe(eng.policyHash);
    expect(e.engine_version).toBe(pkg.version);
    expect(e.intent).toEqual(i);
    expect(e.portfolio_state).toEqual(p);
    expect(e.market_snapshot).toEqual(m);
    expect(e.decision).toBe(d);
    expect(e.eval_ms).toBe(d.eval_ms);
    expect('run_id' in e).toBe(false);
    expect(v.safeParse(AuditEventSchema, e).success).toBe(true);
  });

  it('gives every event a fresh UUID v4 and the current UTC time', async () => {
    const { eng, i, p, m, d } = await sample();
    const before = Date.now();
    const ids = new Set(Array.from({ length: 50 }, () => buildAuditEvent(d, i, p, m, undefined, eng.policyHash).event_id));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    const e = buildAuditEvent(d, i, p, m, undefined, eng.policyHash);
    expect(e.timestamp).toMatch(/Z$/);
    expect(Date.parse(e.timestamp)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(e.timestamp)).toBeLessThanOrEqual(Date.now());
  });

  it('fills the defaults of the inputs as the Python package records them', async () => {
    const { eng, i, m, d } = await sample();
    const { limit_price: _l, ...bare } = i;
    const e = buildAuditEvent(d, bare as never, { equity: 1, start_of_day_equity: 1, peak_equity: 1 } as never, m, undefined, eng.policyHash);
    expect(e.intent.limit_price).toBeNull();
    expect(e.portfolio_state).toEqual({ equity: 1, start_of_day_equity: 1, peak_equity: 1, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 });
    expect(e.execution_state).toEqual({ orders_last_60s_global: 0, orders_last_60s_by_strategy: {}, violations_last_window: [], kill_switch_active: false });
  });

  it('takes run_id, timestamp and event_id from the options', async () => {
    const { eng, i, p, m, x, d } = await sample();
    const e = buildAuditEvent(d, i, p, m, x, eng.policyHash, {
      runId: 'backtest-7',
      timestamp: new Date(Date.UTC(2026, 1, 18, 14, 30)),
      eventId: '645476d2-5863-4273-a408-507aa3ea2129',
    });
    expect(e).toMatchObject({ run_id: 'backtest-7', timestamp: '2026-02-18T14:30:00.000Z', event_id: '645476d2-5863-4273-a408-507aa3ea2129' });
    expect(buildAuditEvent(d, i, p, m, x, eng.policyHash, { timestamp: '2026-02-18T14:30:00.123456+00:00' }).timestamp).toBe('2026-02-18T14:30:00.123456+00:00');
  });

  it('refuses a timestamp that is not UTC RFC 3339 and an event id that is not a UUID, naming the field', async () => {
    const { eng, i, p, m, x, d } = await sample();
    const fieldOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((is) => is.path);
      }
      return [];
    };
    expect(fieldOf(() => buildAuditEvent(d, i, p, m, x, eng.policyHash, { timestamp: '2026-02-18T14:30:00+02:00' }))).toEqual(['timestamp']);
    expect(fieldOf(() => buildAuditEvent(d, i, p, m, x, eng.policyHash, { timestamp: 'yesterday' }))).toEqual(['timestamp']);
    expect(fieldOf(() => buildAuditEvent(d, i, p, m, x, eng.policyHash, { timestamp: new Date(NaN) }))).toEqual(['timestamp']);
    expect(fieldOf(() => buildAuditEvent(d, i, p, m, x, eng.policyHash, { eventId: 'evt-1' }))).toEqual(['event_id']);
  });
});

describe('serializeAuditEvent', () => {
  it('writes one line, keys sorted at every level, no spaces, equal to canonicalJson', async () => {
    const { eng, i, p, m, x, d } = await sample();
    const e = buildAuditEvent(d, { ...i, account_id: 'compte é' }, p, m, x, eng.policyHash, { runId: 'r' });
    const line = serializeAuditEvent(e);
    expect(line).toBe(canonicalJson(e));
    expect(line).not.toMatch(/\n/);
    expect(line.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/\s/);
    expect(line).toContain('"compte \\u00e9"');
    expect(keysSortedEverywhere(JSON.parse(line))).toBe(true);
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(e)));
  });

  it('refuses an event holding a non-finite number rather than write null', async () => {
    const { eng, i, p, m, x, d } = await sample();
    expect(() => serializeAuditEvent(buildAuditEvent(d, { ...i, qty: NaN }, p, m, x, eng.policyHash))).toThrow(RangeError);
  });
});
