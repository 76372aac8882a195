/**
 * True when `obj` is frozen and every own property is a plain data property holding a primitive:
 * its content can never change, so a result computed from it can be cached by identity. (A frozen
 * object can still have getters, whose values may change, or hold mutable objects.) O(keys): call it
 * once, when the cache entry is created.
 */
export function isImmutableFlat(obj: object): boolean {
  if (!Object.isFrozen(obj)) return false;
  const descriptors = Object.getOwnPropertyDescriptors(obj);
  for (const key of Reflect.ownKeys(descriptors)) {
    const d = descriptors[key as string]!;
    if (!('value' in d)) return false;
    if (d.value !== null && (typeof d.value === 'object' || typeof d.value === 'function')) return false;
  }
  return true;
}
