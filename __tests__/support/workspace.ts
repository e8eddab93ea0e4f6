// Temporary workspaces holding migration files, and a logger that records lines.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { RunLogger } from '../../src/engine/run.js'

/** Writes `files` (paths relative to the migrations dir) into a new workspace; returns the workspace path. */
export function makeWorkspace(files: Record<string, string>, migrationsDir = 'migrations'): string {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-ws-'))
  mkdirSync(join(ws, migrationsDir), { recursive: true })
  for (const [name, text] of Object.entries(files)) {
    const path = join(ws, migrationsDir, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
  }
  return ws
}

export function addFile(ws: string, name: string, text: string, migrationsDir = 'migrations'): void {
  writeFileSync(join(ws, migrationsDir, name), text)
}

export interface RecordingLogger extends RunLogger {
  lines: string[]
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = []
  return {
    lines,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    group: async (title, fn) => {
      lines.push(`group: ${title}`)
      return fn()
    },
    progress: (p) => void lines.push(`progress: [${p.index}/${p.total}] ${p.title} ${p.verb}`)
  }
}
