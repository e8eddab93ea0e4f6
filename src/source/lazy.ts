// Properties computed on first read. Discovery hashes every file but parses a script
// only when something reads it: a no-op run parses nothing and never loads the parser.

const computers = new WeakMap<object, Map<PropertyKey, () => unknown>>()

/** Defines `obj[key]` as `compute()` on first read; from then on it is a plain property. */
export function defineLazy<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K]): void {
  if (!computers.has(obj)) computers.set(obj, new Map())
  computers.get(obj)?.set(key, compute)
  const settle = (value: T[K]) => Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute()
      settle(value)
      return value
    },
    set(value: T[K]) {
      settle(value)
    }
  })
}

/** True when `obj[key]` is a plain value: computed already, or never lazy. */
export function isSettled<T extends object>(obj: T, key: keyof T): boolean {
  const d = Object.getOwnPropertyDescriptor(obj, key)
  return d === undefined || 'value' in d
}

/**
 * Drops a computed value, so the next read computes it again: for a parsed script
 * that was only checked (a pending file's down), whose parse tree need not stay in
 * memory. Computing must be repeatable (no side effects on a second run).
 */
export function forget<T extends object>(obj: T, key: keyof T): void {
  const compute = computers.get(obj)?.get(key) as (() => T[keyof T]) | undefined
  if (compute && isSettled(obj, key)) defineLazy(obj, key, compute)
}
