import { describe, expect, it } from 'vitest';
import { withMembers } from './with-members.js';

describe('withMembers', () => {
  it('copies base and sets the members, as { ...base, ...members }', () => {
    const base = { a: 1, b: 2, [Symbol.for('s')]: 5 };
    const copy = withMembers(base, { b: 3, c: 4 });
    expect(copy).toEqual({ ...base, b: 3, c: 4 });
    expect(copy).not.toBe(base);
    expect(base).toEqual({ a: 1, b: 2, [Symbol.for('s')]: 5 });
  });

  it('keeps an own __proto__ member as data, never as the prototype', () => {
    const base = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as object;
    const copy = withMembers(base, { b: 2 });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a', 'b']);
    expect(Object.getPrototypeOf(withMembers({ a: 1 }, JSON.parse('{"__proto__": {"x": 1}}') as object))).toBe(Object.prototype);
  });
});
