import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeWindow } from './windows.js';

describe('TimeWindow', () => {
  it('keeps an entry while s − width < t and drops it at t = s − width', () => {
    const w = new TimeWindow();
    w.add(1_000, 'a');
    w.evict(1_000 - 1); // check at s with s − width = 999 < 1000: counts
    expect(w.size).toBe(1);
    w.evict(1_000); // s − width = 1000: no longer counts
    expect(w.size).toBe(0);
  });

  it('inserts a late entry in time order, so eviction from the front stays correct', () => {
    const w = new TimeWindow();
    w.add(10, 'a');
    w.add(30, 'c');
    w.add(20, 'b');
    expect(w.entries()).toEqual([
      [10, 'a'],
      [20, 'b'],
      [30, 'c'],
    ]);
    w.evict(20);
    expect(w.entries()).toEqual([[30, 'c']]);
  });

  it('counts exactly the entries after the cutoff, whatever the insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.record({ add: fc.integer({ min: 0, max: 5000 }) }), fc.record({ cut: fc.integer({ min: 0, max: 5000 }) })), { maxLength: 400 }), (ops) => {
        const w = new TimeWindow();
        let model: number[] = [];
        let cutoff = -Infinity;
        for (const op of ops) {
          if ('add' in op) {
            w.add(op.add);
            model.push(op.add);
          } else {
            cutoff = Math.max(cutoff, op.cut); // the clock, and so the cutoff, only moves forward
            w.evict(cutoff);
            model = model.filter((t) => t > cutoff);
          }
          expect(w.entries().map(([t]) => t)).toEqual([...model].sort((a, b) => a - b));
          expect(w.size).toBe(model.length);
        }
      }),
      { numRuns: 60 },
    );
  });
});
