// Properties computed on first read. Discovery hashes every file but parses a script
// only when something reads it: a no-op run parses nothing and never loads the parser.

/** Defines `obj[key]` as `compute()` on first read; from then on it is a plain property. */
export function defineLazy<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K]): void {
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
