/**
 * Growing the model's typed arrays (the trace's columns, the PID tables, the struct pid
 * table): one doubling helper for all of them.
 */

/** A typed array at least `min` long (doubling its length), with the old contents. */
export function grow<T extends Int32Array | Uint8Array>(a: T, min: number): T {
  let size = Math.max(a.length, 1);
  while (size < min) size *= 2;
  if (size === a.length) return a;
  const bigger = new (a.constructor as new (n: number) => T)(size);
  bigger.set(a);
  return bigger;
}
