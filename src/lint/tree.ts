// Small readers over libpg-query's JSON parse tree. Nodes in lists and in generic
// fields are wrapped ({ FuncCall: {...} }); fields of a known type are not (relation).
export type Node = Record<string, unknown>

export const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The list under `key`, or []. */
export const list = (node: Node | undefined, key: string): unknown[] => {
  const v = node?.[key]
  return Array.isArray(v) ? v : []
}

/** The inner node of a wrapped node `{ Type: inner }` when its type is `type`. */
export function unwrap(v: unknown, type: string): Node | undefined {
  if (!isNode(v)) return undefined
  const inner = v[type]
  return isNode(inner) ? inner : undefined
}

/** The `sval` of a `{ String: { sval } }` node. */
export const str = (v: unknown): string | undefined => {
  const s = unwrap(v, 'String')?.sval
  return typeof s === 'string' ? s : undefined
}

/** Names of a qualified-name list: [{String},{String}] -> ['s', 'b']. */
export const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((s): s is string => s !== undefined) : [])

/** A node's `location` (a UTF-8 byte offset in the parsed text), when it has one. */
export const location = (node: Node | undefined): number | undefined => {
  const l = node?.location
  return typeof l === 'number' && l >= 0 ? l : undefined
}

/** `schema.name`, lower-case, 'public' when unqualified: the key of `LintContext.existingTables`. */
export function tableKey(schema: string | undefined, name: string): string {
  return `${(schema || 'public').toLowerCase()}.${name.toLowerCase()}`
}

/** The key of a RangeVar (bare or wrapped). */
export function rangeVarKey(v: unknown): string | undefined {
  const rv = unwrap(v, 'RangeVar') ?? (isNode(v) ? v : undefined)
  if (!rv || typeof rv.relname !== 'string') return undefined
  return tableKey(typeof rv.schemaname === 'string' ? rv.schemaname : undefined, rv.relname)
}

/** The key of a qualified-name list from DROP: ['s','t'] -> 's.t'; ['t'] -> 'public.t'. */
export function namesKey(parts: string[]): string | undefined {
  if (parts.length === 0) return undefined
  const name = parts[parts.length - 1]
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined
  return tableKey(schema, name)
}

/** Calls `visit` on every node of type `type` anywhere under `root` (strings are never parsed). */
export function findAll(root: unknown, type: string, visit: (node: Node) => void): void {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i])
    } else if (isNode(v)) {
      for (const key of Object.keys(v).reverse()) {
        const child = v[key]
        if (key === type && isNode(child)) visit(child)
        if (typeof child === 'object' && child !== null) stack.push(child)
      }
    }
  }
}

/** The last part of a FuncCall's name, lower-case: pg_catalog.random -> 'random'. */
export function funcName(call: Node): string {
  const parts = names(call.funcname)
  return (parts[parts.length - 1] ?? '').toLowerCase()
}

/** A type name as written, roughly: 'bigint', 'varchar(20)', 'my_schema.my_type'. */
export function typeLabel(typeName: unknown): string {
  if (!isNode(typeName)) return '?'
  let parts = names(typeName.names)
  if (parts.length === 2 && parts[0] === 'pg_catalog') parts = [parts[1]]
  const base = parts.join('.')
  const pretty: Record<string, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean', bpchar: 'char', timestamptz: 'timestamptz' }
  const mods = list(typeName, 'typmods')
    .map((m) => {
      const c = unwrap(m, 'A_Const')
      if (c && isNode(c.ival)) return String(c.ival.ival ?? 0)
      const col = unwrap(m, 'ColumnRef')
      return col ? names(col.fields).join('.') : '?'
    })
    .join(',')
  const arr = list(typeName, 'arrayBounds').length > 0 ? '[]' : ''
  return `${pretty[base] ?? base}${mods ? `(${mods})` : ''}${arr}`
}

/** A DefElem list's entry named `name`. */
export function defElem(listValue: unknown, name: string): Node | undefined {
  if (!Array.isArray(listValue)) return undefined
  for (const d of listValue) {
    const def = unwrap(d, 'DefElem')
    if (def?.defname === name) return def
  }
  return undefined
}

/** The boolean value of an option written `name`, `name true`, `name = off`... */
export function optionOn(def: Node): boolean {
  const arg = def.arg
  if (!isNode(arg)) return true
  if ('Boolean' in arg) return !!(arg.Boolean as { boolval?: boolean }).boolval
  if ('Integer' in arg) return !!(arg.Integer as { ival?: number }).ival
  if ('String' in arg) return !['false', 'off', 'no', '0'].includes(String((arg.String as { sval?: string }).sval).toLowerCase())
  return true
}
