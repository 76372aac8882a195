// Durable mode: `append` resolves once the line is written and fdatasync'ed. Appends made while a
// sync is in flight are written and synced together (group commit), so concurrent callers share
// syncs; a caller that awaits each append one by one pays one sync per event.
import type { SinkState } from './sink-state.js';
import type { SinkWriter } from './writer.js';

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Group commit on the appending thread: one write() and one fdatasync() per group of appends. */
export class DurableWriter implements SinkWriter {
  readonly #state: SinkState;
  #waiters: Waiter[] = [];
  #running: Promise<void> | null = null;

  constructor(state: SinkState) {
    this.#state = state;
  }

  appended(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (!this.#running) this.#running = Promise.resolve().then(() => this.#commitLoop());
    });
  }

  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    this.#state.throwIfFailed();
  }

  async stop(): Promise<void> {}

  // Write everything queued in one write(), sync, settle those appends; repeat while appends arrived
  // during the sync.
  async #commitLoop(): Promise<void> {
    const state = this.#state;
    while (state.lines.length > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      try {
        state.writeSync();
        await state.sync();
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
        // Appends queued behind a failure fail too.
        const rest = this.#waiters;
        this.#waiters = [];
        state.lines.discard();
        for (const w of rest) w.reject(e);
        break;
      }
    }
    this.#running = null;
  }
}
