// The CLI's input limits that are not a file's (those are MAX_FILE_BYTES in ../files.ts): kept in a
// module of their own so that the help text can name them without loading the stream reader.

/**
 * The longest line of a stream read (1 MiB, without its line end). An order is a few hundred bytes;
 * a longer line is reported as a bad line and skipped, without being held in memory.
 */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * The largest audit log `policygate-replay` reads (256 MiB, about 90,000 events of a 50-position
 * portfolio): the log is read whole, and a JavaScript string holds at most ~512 MiB.
 */
export const MAX_LOG_BYTES = 256 << 20;
