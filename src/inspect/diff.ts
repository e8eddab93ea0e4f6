// The difference of two snapshots, one entry per object, sorted by object key.
// A changed object gets a short human detail, field by field:
//   'type: integer -> bigint', 'default: now() -> (none)', 'privileges: -UPDATE',
//   'labels: +meh', 'body changed', 'definition changed'.
import type { SchemaDifference } from '../engine/report.js'
import { byCodeUnit, parseDefinition, type Definition, type Snapshot } from './snapshot.js'

/** Values longer than this are not quoted in a detail; the field is said to have changed. */
const SHORT = 60
/** Fields that are only ever reported as changed (a hash, or text too long to be useful inline). */
const OPAQUE = new Set(['body'])

export function diffSnapshots(before: Snapshot, after: Snapshot): SchemaDifference[] {
  const a = before.objects
  const b = after.objects
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  const out: SchemaDifference[] = []
  for (const object of [...keys].sort(byCodeUnit)) {
    const inA = Object.hasOwn(a, object)
    const inB = Object.hasOwn(b, object)
    if (inA && !inB) out.push({ object, change: 'removed' })
    else if (!inA && inB) out.push({ object, change: 'added' })
    else if (a[object] !== b[object]) out.push({ object, change: 'changed', detail: describeChange(a[object], b[object]) })
  }
  return out
}

/** What differs between two definitions of one object. */
export function describeChange(before: string, after: string): string {
  const x = parseDefinition(before)
  const y = parseDefinition(after)
  if (!x && !y) return isShort(before) && isShort(after) ? `${before} -> ${after}` : 'definition changed'
  if (!x || !y) return 'definition changed'
  const parts: string[] = []
  for (const field of fieldsOf(x, y)) {
    const part = describeField(field, x[field], y[field])
    if (part) parts.push(part)
  }
  // Same fields, same values, different text: only the layout differs.
  return parts.length > 0 ? parts.join('; ') : 'definition changed'
}

function fieldsOf(x: Definition, y: Definition): string[] {
  const seen = new Set<string>()
  const fields: string[] = []
  for (const f of [...Object.keys(x), ...Object.keys(y)]) {
    if (!seen.has(f)) {
      seen.add(f)
      fields.push(f)
    }
  }
  return fields
}

function describeField(field: string, x: string | string[] | undefined, y: string | string[] | undefined): string | undefined {
  const name = field.replace(/_/g, ' ')
  if (Array.isArray(x) || Array.isArray(y)) {
    const xs = toList(x)
    const ys = toList(y)
    if (xs.length === ys.length && xs.every((v, i) => v === ys[i])) return undefined
    const added = ys.filter((v) => !xs.includes(v))
    const removed = xs.filter((v) => !ys.includes(v))
    if (added.length === 0 && removed.length === 0) return `${name}: order changed`
    return `${name}: ${[...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)].join(', ')}`
  }
  if (x === y) return undefined
  if (OPAQUE.has(field)) return `${name} changed`
  const from = x ?? '(none)'
  const to = y ?? '(none)'
  return isShort(from) && isShort(to) ? `${name}: ${from} -> ${to}` : `${name} changed`
}

function toList(v: string | string[] | undefined): string[] {
  if (v === undefined) return []
  return Array.isArray(v) ? v : [v]
}

function isShort(v: string): boolean {
  return v.length <= SHORT && !v.includes('\n')
}
