import { describe, expect, it } from 'vitest';
import { DurableWriter } from './durable-writer.js';
import type { SinkState } from './sink-state.js';

// A state whose fdatasyncs settle when the test says: the order in which overlapped syncs return
// is the OS's, so each order is played here.
function fakeState() {
  const syncs: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const state = {
    failure: null as Error | null,
    lines: { discard() {} },
    throwIfFailed() {
      if (state.failure) throw state.failure;
    },
    writeSync() {},
    sync: () =>
      new Promise<void>((resolve, reject) =>
        syncs.push({
          resolve,
          reject: (e) => {
            state.failure ??= e;
            reject(e);
          },
        }),
      ),
  };
  return { state: state as unknown as SinkState, syncs };
}

const turn = () => new Promise((r) => setImmediate(r));

/** Appends one line per turn, `n` turns: one group (one write, one sync) each. */
async function groups(writer: DurableWriter, n: number) {
  const outcomes: string[] = [];
  const done: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    done.push(
      writer.appended().then(
        () => void outcomes.push(`${i} durable`),
        (e: Error) => void outcomes.push(`${i} failed: ${e.message}`),
      ),
    );
    await turn();
  }
  return { outcomes, settled: () => Promise.all(done) };
}

describe('DurableWriter: overlapped syncs answer in order, and only on their own success', () => {
  it('a later sync that returns first does not answer an earlier group; the earlier one failing fails both', async () => {
    const { state, syncs } = fakeState();
    const writer = new DurableWriter(state);
    const { outcomes, settled } = await groups(writer, 2);
    expect(syncs).toHaveLength(2); // both groups written, both syncs in flight
    syncs[1]!.resolve(); // the later sync returns first
    await turn();
    expect(outcomes).toEqual([]); // nobody is told "durable" while the earlier sync may still fail
    syncs[0]!.reject(new Error('EIO'));
    await settled();
    expect(outcomes).toEqual(['0 failed: EIO', '1 failed: EIO']);
    await expect(writer.flush()).rejects.toThrow('EIO');
  });

  it('both succeeding in reverse order: both durable, the earlier group first', async () => {
    const { state, syncs } = fakeState();
    const writer = new DurableWriter(state);
    const { outcomes, settled } = await groups(writer, 3);
    syncs[2]!.resolve();
    syncs[1]!.resolve();
    await turn();
    expect(outcomes).toEqual([]);
    syncs[0]!.resolve();
    await settled();
    expect(outcomes).toEqual(['0 durable', '1 durable', '2 durable']);
    await writer.flush();
  });

  it('an earlier group durable, a later sync failing: the earlier stays durable, the later fails', async () => {
    const { state, syncs } = fakeState();
    const writer = new DurableWriter(state);
    const { outcomes, settled } = await groups(writer, 2);
    syncs[0]!.resolve();
    await turn();
    expect(outcomes).toEqual(['0 durable']);
    syncs[1]!.reject(new Error('ENOSPC'));
    await settled();
    expect(outcomes).toEqual(['0 durable', '1 failed: ENOSPC']);
  });
});
