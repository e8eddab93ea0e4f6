// DESIGN 5: order is the convention's own, never plain file-name order. Keys hold
// numeric parts as digit strings (any length, so no precision loss), compared as
// numbers: `9` < `100`. Dates are normalised to 14 digits (YYYYMMDDhhmmss) so that
// `2025-12-10`, `20251105` and `20250115000000` compare as the instants they are.
import type { OrderKey } from './types.js'

const DIGITS = /^\d+$/

/** Compares two digit strings as numbers, ignoring leading zeros. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length < y.length ? -1 : 1
  return x < y ? -1 : x > y ? 1 : 0
}

/** Plain code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  if (a.group !== b.group) return a.group - b.group
  const n = Math.min(a.parts.length, b.parts.length)
  for (let i = 0; i < n; i++) {
    const p = a.parts[i]
    const q = b.parts[i]
    const c = DIGITS.test(p) && DIGITS.test(q) ? compareDigits(p, q) : compareText(p, q)
    if (c !== 0) return c
  }
  return a.parts.length - b.parts.length
}

/** Key first, then identity: files sharing a version (004_a, 004_b) run in name order. */
export function compareMigrationOrder(a: { orderKey: OrderKey; identity: string }, b: { orderKey: OrderKey; identity: string }): number {
  return compareOrderKeys(a.orderKey, b.orderKey) || compareText(a.identity, b.identity)
}

/** Versioned migrations come before repeatables. */
export const GROUP_VERSIONED = 0
export const GROUP_REPEATABLE = 1

export const numberKey = (digits: string): OrderKey => ({ group: GROUP_VERSIONED, parts: [digits.replace(/^0+(?=\d)/, '')] })

/** `YYYYMMDD`, `YYYYMMDDhhmmss` or `YYYY-MM-DD` to 14 digits. */
export function dateKey(written: string): OrderKey {
  return { group: GROUP_VERSIONED, parts: [written.replace(/-/g, '').padEnd(14, '0')] }
}

/** Flyway `1.2.0` / `1_2`: numeric parts, trailing zero parts dropped (Flyway treats 1.2 and 1.2.0 as equal). */
export function flywayParts(written: string): string[] {
  const parts = written.split(/[._]/).map((p) => p.replace(/^0+(?=\d)/, ''))
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop()
  return parts
}

export const flywayKey = (written: string): OrderKey => ({ group: GROUP_VERSIONED, parts: flywayParts(written) })
export const repeatableKey = (): OrderKey => ({ group: GROUP_REPEATABLE, parts: [] })
export const planKey = (position: number): OrderKey => ({ group: GROUP_VERSIONED, parts: [String(position)] })
