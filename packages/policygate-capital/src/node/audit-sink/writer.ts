// The part of a FileAuditSink that decides when accepted lines are written and synced.

/** How a sink's lines reach the file: durable (group commit) or batched (a writer thread). */
export interface SinkWriter {
  /**
   * A line was just accepted into the sink's buffer. Durable: resolves once it is on disk. Batched:
   * returns at once (handing a full batch over first).
   */
  appended(): Promise<void> | void;
  /** Writes every buffered line and syncs the file. */
  flush(): Promise<void>;
  /** The sink is closing, after its final flush: stop what runs in the background. */
  stop(): Promise<void>;
}
