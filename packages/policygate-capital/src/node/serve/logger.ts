// Structured request logs, one JSON object a line, written off the hot path: a request only
// pushes its entry into an array; the lines are joined and written once per event-loop turn
// (setImmediate), so a burst of 16 concurrent requests costs one write(), not 16.
//
// Why not pino: it would be one more optional dependency for what is here a dozen lines; its
// speed comes from the same idea (buffer, then write), and its transports are not needed.
import type { Writable } from 'node:stream';

/**
 * A buffered JSON-lines logger.
 *
 * @example
 * ```ts
 * const log = new JsonLineLogger(process.stdout)
 * log.write({ msg: 'listening', url })
 * await log.flush()
 * ```
 */
export class JsonLineLogger {
  private lines: string[] = [];
  private scheduled = false;
  // Formatting a Date per line showed in the request path's profile; lines come many per ms.
  private lastMs = Number.NaN;
  private lastTime = '';

  constructor(private readonly out: Writable | null) {}

  /** Queues one entry; `time` (ISO 8601) is added in front. */
  write(entry: object): void {
    if (this.out === null) return;
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastTime = new Date(ms).toISOString();
    }
    // `time` in front without copying the entry: its own JSON with the time spliced in.
    const text = JSON.stringify(entry);
    this.lines.push(text.length > 2 ? `{"time":"${this.lastTime}",${text.slice(1)}` : `{"time":"${this.lastTime}"}`);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    if (this.lines.length === 0 || this.out === null) return;
    const text = this.lines.join('\n') + '\n';
    this.lines = [];
    this.out.write(text);
  }

  /** Writes what is queued now, and resolves when the stream took it. */
  flush(): Promise<void> {
    this.drain();
    const out = this.out;
    if (out === null) return Promise.resolve();
    return new Promise((resolve) => out.write('', () => resolve()));
  }
}
