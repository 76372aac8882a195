// valibot, refusing to run on a polluted Object.prototype.
import * as v from 'valibot';
import { PolicyGateError } from '../errors.js';

/**
 * `v.safeParse`, after checking that `Object.prototype` has no enumerable property. Someone else's
 * prototype pollution (a dependency's bug, untrusted data merged into `{}`) makes every object seem
 * to have that key, and valibot, which walks its schemas with `for…in`, then fails with an internal
 * `TypeError` (`valueSchema.~run is not a function`). The engine's own reads are own-property
 * reads and stay correct; validation cannot, so it stops with an error that says why.
 *
 * @throws {PolicyGateError} `ERR_PROTOTYPE_POLLUTED`, naming the property.
 */
export function safeParse<const TSchema extends v.GenericSchema>(schema: TSchema, value: unknown): v.SafeParseResult<TSchema> {
  for (const key in Object.prototype) {
    throw new PolicyGateError(
      'ERR_PROTOTYPE_POLLUTED',
      `Object.prototype has an enumerable property ${JSON.stringify(key.slice(0, 100))}: it was polluted (by a dependency, or by untrusted data merged into an object), so every object seems to have that key and data cannot be validated. Find and remove the pollution.`,
    );
  }
  return v.safeParse(schema, value);
}
