// What the pending migrations create themselves, read from their parse trees. The
// shim steps aside for those objects: creating them first would make the migration's
// own CREATE fail (42710, 42P06, 42P07).
import { formatPosition } from '../source/positions.js'
import type { ParsedScript, Statement } from '../source/types.js'

export interface OwnObjects {
  /** role name -> where a migration creates it. */
  roles: Map<string, string>
  /** 'auth' / 'storage' / 'realtime' / 'supabase_functions' / 'extensions' -> where a migration creates the schema or its tables without IF NOT EXISTS. */
  units: Map<string, string>
  /** 'auth.uid', 'storage.foldername'... -> where a migration defines that function. */
  functions: Map<string, string>
  /** Extensions created without IF NOT EXISTS (pgcrypto, uuid-ossp) -> where. */
  extensions: Map<string, string>
  /** Publications -> where. */
  publications: Map<string, string>
}

const UNIT_TABLES: Record<string, string[]> = { auth: ['users', 'identities'], storage: ['buckets', 'objects'], realtime: ['messages'], supabase_functions: ['hooks'], extensions: [] }

function names(list: unknown): string[] {
  return ((list as Array<{ String?: { sval?: string } }>) ?? []).map((x) => x.String?.sval ?? '')
}

const OWN_KINDS = new Set(['CreateRoleStmt', 'CreateSchemaStmt', 'CreateStmt', 'CreateFunctionStmt', 'CreateExtensionStmt', 'CreatePublicationStmt'])

export function ownObjects(scripts: ParsedScript[]): OwnObjects {
  const own: OwnObjects = { roles: new Map(), units: new Map(), functions: new Map(), extensions: new Map(), publications: new Map() }
  const note = (map: Map<string, string>, key: string, script: ParsedScript, s: Statement) => {
    if (!map.has(key)) map.set(key, formatPosition(script.source.file, s.position))
  }
  for (const script of scripts) {
    for (const s of script.statements) {
      // The tree is read only for the kinds below (a released tree is parsed again: see source/script.ts).
      if (!OWN_KINDS.has(s.kind)) continue
      const n = s.node
      switch (s.kind) {
        case 'CreateRoleStmt':
          if (typeof n.role === 'string') note(own.roles, n.role, script, s)
          break
        case 'CreateSchemaStmt':
          if (typeof n.schemaname === 'string' && n.schemaname in UNIT_TABLES && n.if_not_exists !== true) note(own.units, n.schemaname, script, s)
          break
        case 'CreateStmt': {
          const rel = n.relation as { schemaname?: string; relname?: string } | undefined
          const schema = rel?.schemaname
          if (schema && UNIT_TABLES[schema]?.includes(rel?.relname ?? '') && n.if_not_exists !== true) note(own.units, schema, script, s)
          break
        }
        case 'CreateFunctionStmt': {
          const fn = names(n.funcname)
          if (fn.length === 2 && (fn[0] as string) in UNIT_TABLES) note(own.functions, `${fn[0]}.${fn[1]}`, script, s)
          break
        }
        case 'CreateExtensionStmt':
          if (typeof n.extname === 'string' && n.if_not_exists !== true) note(own.extensions, n.extname, script, s)
          break
        case 'CreatePublicationStmt':
          if (typeof n.pubname === 'string') note(own.publications, n.pubname, script, s)
          break
      }
    }
  }
  return own
}
