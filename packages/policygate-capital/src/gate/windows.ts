// Sliding time windows keyed by the intents' timestamps (microseconds), for the order throttles and
// the kill switch's violation count. An entry at time t counts at time s iff s − width < t ≤ s.

/**
 * A time-ordered queue of entries with an optional label each (a strategy id or a rule id).
 * Entries leave from the front as the clock advances (`evict`), so counting is amortized O(1).
 * Internal to the gate.
 */
export class TimeWindow {
  private times: number[] = [];
  private labels: string[] = [];
  private head = 0;

  /** Number of entries not yet evicted. */
  get size(): number {
    return this.times.length - this.head;
  }

  /**
   * Adds an entry. Entries normally arrive in time order (the gate's clock never goes back); a late
   * one (a manual `record` of an earlier check) is inserted in order, scanning from the back.
   */
  add(t: number, label = ''): void {
    const times = this.times;
    let i = times.length;
    while (i > this.head && times[i - 1]! > t) i--;
    if (i === times.length) {
      times.push(t);
      this.labels.push(label);
    } else {
      times.splice(i, 0, t);
      this.labels.splice(i, 0, label);
    }
  }

  /** Drops every entry at or before `cutoff` (time s − width: the window is half-open on the left). */
  evict(cutoff: number): void {
    const times = this.times;
    let h = this.head;
    while (h < times.length && times[h]! <= cutoff) h++;
    if (h === this.head) return;
    if (h === times.length) {
      times.length = 0;
      this.labels.length = 0;
      h = 0;
    } else if (h > 1024 && h * 2 > times.length) {
      times.splice(0, h);
      this.labels.splice(0, h);
      h = 0;
    }
    this.head = h;
  }

  /** Drops the oldest entries beyond the newest `n` (entries that can no longer change a count compared with n). */
  keepNewest(n: number): void {
    const extra = this.size - n;
    if (extra <= 0) return;
    this.head += extra;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.labels.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Empties the window. */
  clear(): void {
    this.times.length = 0;
    this.labels.length = 0;
    this.head = 0;
  }

  /** The live entries, oldest first, as [time, label] pairs. */
  entries(): [number, string][] {
    const out: [number, string][] = [];
    for (let i = this.head; i < this.times.length; i++) out.push([this.times[i]!, this.labels[i]!]);
    return out;
  }
}
