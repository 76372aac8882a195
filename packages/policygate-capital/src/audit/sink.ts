import type { AuditEvent } from './schema.js';

/**
 * Where audit events go. `append` takes one event; it may finish synchronously (an in-memory sink,
 * a buffered file) or return a promise that settles once the event is stored (a durable file). A
 * failure must surface: thrown, or a rejected promise — never swallowed.
 *
 * @example
 * ```ts
 * const console_: AuditSink = { append: (event) => console.log(serializeAuditEvent(event)) }
 * ```
 */
export interface AuditSink {
  append(event: AuditEvent): Promise<void> | void;
}
