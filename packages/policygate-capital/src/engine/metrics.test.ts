import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from '../util/fsum.js';
import { buildRecord } from '../util/records.js';
import { exactHoldings, scanHoldings, Scratch } from './metrics.js';

// One scratch for the file, as one engine keeps one per call in flight: the layout learned by one call is there for the next.
const scratch = new Scratch();

const symbols = ['AAPL', 'MSFT', 'ES', 'constructor', '__proto__', 'Z'];
const qty = fc.oneof(fc.constant(0), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(NaN, -Infinity));
const price = fc.oneof(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.constantFrom(0, -5, NaN));
const copy = (o: Record<string, number>) => Object.fromEntries(Object.entries(o));

/** The other holdings' sums plus `term`, as the engine takes them: certified, else exact. */
function scan(positions: Record<string, number>, prices: Record<string, number>, symbol: string, term = 0) {
  const h = scanHoldings(positions, prices, symbol, null, scratch);
  const result = { gross: h.gross.plus(term), net: h.net.plus(term), missing: h.missing, bad: h.bad };
  if (Number.isNaN(result.gross) || Number.isNaN(result.net)) {
    const e = exactHoldings(positions, prices, symbol, null, scratch);
    result.gross = e.gross.plus(term);
    result.net = e.net.plus(term);
  }
  return result;
}

/** The same sums from scratch, in a shuffled order, with ExactSum. */
function reference(positions: Record<string, number>, prices: Record<string, number>, symbol: string, term = 0) {
  const gross = new ExactSum().add(term);
  const net = new ExactSum().add(term);
  const keys = Object.keys(positions).sort(() => Math.random() - 0.5);
  for (const s of keys) {
    const q = positions[s]!;
    const p = Object.hasOwn(prices, s) ? prices[s]! : NaN;
    if (s === symbol || q === 0 || !(p > 0 && p < Infinity) || !Number.isFinite(q) || q * p === 0) continue;
    gross.add(Math.abs(q * p));
    net.add(q * p);
  }
  return { gross: gross.value(), net: net.value() };
}

describe('scanHoldings', () => {
  it('sums the other holdings exactly, and reports unpriced and non-finite ones', () => {
    const r = scan({ AAPL: 10, MSFT: -3, ES: 0, Z: NaN, Q: 2 }, { AAPL: 200, MSFT: 100, Z: 1 }, 'AAPL');
    expect(r).toEqual({ gross: 300, net: -300, missing: ['Q'], bad: ['Z'] });
  });

  it('gives bit-identical results for frozen snapshots (cached) and mutable objects', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...symbols), qty, { maxKeys: 6 }),
        fc.dictionary(fc.constantFrom(...symbols), price, { maxKeys: 6 }),
        fc.constantFrom(...symbols),
        (positions, prices, symbol) => {
          const live = scan(copy(positions), copy(prices), symbol);
          const fp = Object.freeze(copy(positions));
          const fq = Object.freeze(copy(prices));
          expect(scan(fp, fq, symbol)).toEqual(live); // builds the snapshot sums
          for (const other of symbols) expect(scan(fp, fq, other)).toEqual(scan(copy(positions), copy(prices), other)); // cached
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('scanHoldings per call: compensated sums and the remembered key layout', () => {
  // Magnitudes far apart and signs mixed, so that compensation matters and net cancels.
  const wide = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(1e-9, -1e-9, 3, -3, 0.1, -0.1));
  const names = fc.uniqueArray(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'constructor', '__proto__', '10', '2'), { minLength: 1, maxLength: 12 });

  it('gives the exact sums, whatever the key order, call after call with the same shape', () => {
    fc.assert(
      fc.property(names, fc.array(wide, { minLength: 24, maxLength: 24 }), fc.array(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), { minLength: 24, maxLength: 24 }), wide, (keys, qs, ps, term) => {
        // Three calls on objects of one shape with different values (the layout is learned, then read).
        for (let round = 0; round < 3; round++) {
          // Records as the parse… functions build them (read by for…in), and plain objects (by key).
          const positions = buildRecord(keys.map((k, i) => [k, qs[(i + round * 5) % 24]!] as const));
          const prices = buildRecord([['AAPL', 100] as const, ...keys.map((k, i) => [k, ps[(i + round * 7) % 24]!] as const)]);
          const want = reference(positions, prices, 'AAPL', term);
          expect(scan(positions, prices, 'AAPL', term)).toMatchObject(want);
          expect(scan({ ...positions }, { ...prices }, 'AAPL', term)).toMatchObject(want);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a changed shape afresh: keys added, removed or reordered, prices missing', () => {
    const positions = buildRecord(Object.entries({ A: 1, B: 2, C: 3 }));
    const prices = buildRecord(Object.entries({ A: 10, B: 20, C: 30 }));
    expect(scan(positions, prices, 'X').gross).toBe(140);
    expect(scan(positions, prices, 'X').gross).toBe(140); // the layout is known now
    const record = (o: Record<string, number>) => buildRecord(Object.entries(o));
    expect(scan(record({ C: 3, B: 2, A: 1 }), prices, 'X').gross).toBe(140);
    expect(scan(record({ ...positions, D: 4 }), record({ ...prices, D: 1 }), 'X').gross).toBe(144);
    expect(scan(positions, record({ A: 10, B: 20 }), 'X').missing).toEqual(['C']);
    expect(scan(positions, record({ A: 10, B: 20 }), 'X').missing).toEqual(['C']);
    expect(scan(positions, record({ A: 10, B: 20, C: Number('x') }), 'X').missing).toEqual(['C']);
    expect(scan(positions, record({ A: 10, B: 20, C: '30' as unknown as number }), 'X').missing).toEqual(['C']);
    expect(scan(record({ A: 1, B: 'two' as unknown as number, C: 3 }), prices, 'X').bad).toEqual(['B']);
    // Records changed after they were built: read again, by key where the layout does not match.
    const changed = record({ A: 1, B: 2, C: 3 });
    expect(scan(changed, prices, 'X').gross).toBe(140);
    changed.B = 5;
    expect(scan(changed, prices, 'X').gross).toBe(200);
    delete changed.A;
    expect(scan(changed, prices, 'X').gross).toBe(190);
    // A price the caller made non-enumerable is still a price, as on the keyed path.
    const hidden = record({ A: 10, B: 20 });
    Object.defineProperty(hidden, 'C', { value: 30, enumerable: false });
    expect(scan(positions, hidden, 'X')).toMatchObject({ gross: 140, missing: undefined });
    expect(scan(positions, hidden, 'X')).toMatchObject({ gross: 140, missing: undefined });
  });

  it('keeps one layout per record: accounts of different shapes checked in turn', () => {
    const prices = buildRecord(Object.entries({ A: 10, B: 20, C: 30, D: 40 }));
    const accounts = [{ A: 1, B: 2 }, { C: 3, A: -1 }, { D: 4 }, { B: 1, C: 1, D: 1 }].map((p) => buildRecord(Object.entries(p)));
    const want = accounts.map((p) => reference(p, prices, 'X'));
    for (let round = 0; round < 4; round++) {
      for (const [i, p] of accounts.entries()) expect(scan(p, prices, 'X')).toMatchObject(want[i]!);
    }
    accounts[1]!.A = -2; // a value changed in place: read, not remembered
    expect(scan(accounts[1]!, prices, 'X').net).toBe(70);
  });

  it('reads a getter on a record each call, and stays exact when the getter changes the record', () => {
    const positions = buildRecord(Object.entries({ A: 1, B: 2, C: 3 }));
    const prices = buildRecord(Object.entries({ A: 10, B: 20, C: 30 }));
    expect(scan(positions, prices, 'X').gross).toBe(140); // learn the layout
    let b = 2;
    Object.defineProperty(positions, 'B', { enumerable: true, configurable: true, get: () => b });
    b = 4;
    expect(scan(positions, prices, 'X')).toMatchObject({ gross: 180, net: 180 });
    b = -4;
    expect(scan(positions, prices, 'X')).toMatchObject({ gross: 180, net: 20 });
    // A getter that deletes a later key while the record is being read: C is not summed, and the
    // result is what reading by key gives.
    Object.defineProperty(positions, 'B', {
      enumerable: true,
      configurable: true,
      get: () => {
        delete positions.C;
        return 2;
      },
    });
    expect(scan(positions, prices, 'X')).toMatchObject({ gross: 50, net: 50 });
    expect(Object.keys(positions)).toEqual(['A', 'B']);
  });

  it('ignores enumerable keys inherited from a prototype', () => {
    const positions = buildRecord([['B', 2]]);
    const prices = buildRecord([['A', 10]]);
    for (let i = 0; i < 3; i++) expect(scan(positions, prices, 'X')).toMatchObject({ gross: 0, missing: ['B'] });
    Object.setPrototypeOf(prices, { B: 1e6 });
    Object.setPrototypeOf(positions, { A: 1000 });
    for (let i = 0; i < 3; i++) expect(scan(positions, prices, 'X')).toMatchObject({ gross: 0, missing: ['B'] });
  });
});

describe('scanHoldings on frozen objects that can still change', () => {
  it('does not cache a frozen map whose values come from getters', () => {
    let price = 100;
    const prices = Object.freeze({
      get MSFT() {
        return price;
      },
    }) as unknown as Record<string, number>;
    const positions = Object.freeze({ MSFT: 10 });
    expect(scan(positions, prices, 'AAPL').gross).toBe(1000);
    price = 300;
    expect(scan(positions, prices, 'AAPL').gross).toBe(3000);
  });
});

describe('scanHoldings: signed zeros', () => {
  it('gives the same +0 sums per call and per snapshot when products underflow to -0', () => {
    const p = JSON.parse('{"__proto__": -5e-324, "MSFT": -5e-324}') as Record<string, number>;
    const q = JSON.parse('{"MSFT": 0.001, "__proto__": 0.001}') as Record<string, number>;
    const live = scan(copy(p), copy(q), 'MSFT');
    const frozen = scan(Object.freeze(copy(p)), Object.freeze(copy(q)), 'MSFT');
    expect(Object.is(live.gross, 0)).toBe(true);
    expect(frozen).toEqual(live);
  });
});
