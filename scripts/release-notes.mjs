// Prints the CHANGELOG.md section of one version, the body of its GitHub
// release (.github/workflows/release.yml). Exits 1 when the version has no
// section, so a release is never published with empty notes.
//
//   node scripts/release-notes.mjs 1.2.3 [CHANGELOG.md]
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The text under `## [version]` up to the next `## ` heading or link references, trimmed; undefined when absent. */
export function releaseNotes(changelog, version) {
  const lines = changelog.split('\n')
  const start = lines.findIndex((l) => new RegExp(`^## \\[?v?${version.replace(/\./g, '\\.')}\\]?(\\s|$)`).test(l))
  if (start < 0) return undefined
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((l) => /^## /.test(l) || /^\[[^\]]+\]: /.test(l))
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim()
  return body || undefined
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [version, file = 'CHANGELOG.md'] = process.argv.slice(2)
  const notes = version ? releaseNotes(readFileSync(file, 'utf8'), version.replace(/^v/, '')) : undefined
  if (!notes) {
    console.error(`${file} has no section "## [${version}]": add it before tagging the release.`)
    process.exitCode = 1
  } else process.stdout.write(`${notes}\n`)
}
