// TurnQueue: one call at a time per process, first come first served, each waiting no longer
// than its own deadline (a call that waited past its bound fails closed without touching Redis).

/**
 * A FIFO mutex whose waiters give up at a deadline.
 */
export class TurnQueue {
  private busy = false;
  private readonly waiters: (() => void)[] = [];

  /** Resolves true with the turn, or false when `deadline` (`performance.now()` ms) passes first. */
  acquire(deadline: number): Promise<boolean> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          const i = this.waiters.indexOf(grant);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(false);
        },
        Math.max(0, deadline - performance.now()),
      );
      this.waiters.push(grant);
    });
  }

  /** Hands the turn to the next waiter, or frees it. */
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.busy = false;
  }
}
