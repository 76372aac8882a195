// The part of a FileAuditSink that decides when accepted lines are written and synced.

/** How a sink's lines reach the file: durable (group commit) or batched (a writer thread). */
export interface SinkWriter {
  /**
   * A line was just accepted into the sink's buffer. Durable: resolves once it is on disk. Batched:
   * returns at once (handing a full batch over first).
   */
  appended(): Promise<void> | void;
  /**
   * Batched: resolves once every line accepted so far is written (not synced), rejects with the
   * failure that keeps one from it; undefined when they are written already. Durable: undefined
   * (`appended`'s promise is the line's own).
   */
  written(): Promise<void> | undefined;
  /** Writes every buffered line and syncs the file. */
  flush(): Promise<void>;
  /** The sink is closing, after its final flush: stop what runs in the background. */
  stop(): Promise<void>;
}
