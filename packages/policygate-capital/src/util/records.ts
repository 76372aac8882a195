// Records the SDK builds itself: the maps of validated wire data (positions, prices, order counts)
// and the gate's copies. They are made with Object.fromEntries, which gives V8 objects in "fast
// mode" (up to ~1,000 keys), and `for…in` reads such an object from its own layout in a few
// nanoseconds per key. An object built by assigning keys in a loop (past ~17 keys), or JSON-parsed
// with more than ~100, is in dictionary mode instead, where `for…in` costs ~30 ns per key and
// lookups by key are the faster way. Nothing in JavaScript tells the two apart, so the engine reads
// with `for…in` only the objects it knows it built. Correctness never depends on this set: a record
// the caller changed afterwards is read the same way, correctly, only perhaps more slowly.

const built = new WeakSet<object>();

/** Builds a record as `Object.fromEntries` does, and remembers it as one the engine may read with `for…in`. */
export function buildRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.fromEntries(entries) as Record<string, T>;
  built.add(out);
  return out;
}

/** True for a record made by {@link buildRecord}. */
export const isBuiltRecord = (value: object): boolean => built.has(value);
