// npm run check-links: every relative link in the README, the top-level
// documents and docs/ must point at a file or directory that exists, and a
// link to a heading of README.md must name one of its headings. Links to
// the web are not followed. Exits 1 and lists each broken link otherwise.
//
//   node scripts/check-links.mjs [--root DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const TOP = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'migrations-example/README.md']

/** The markdown files checked, relative to root. */
export function documents(root) {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : []
  return [...TOP.filter((f) => existsSync(join(root, f))), ...docs.sort()]
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export const slug = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')

const stripCode = (text) => text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '')

/** Inline links and images `[text](target)`, outside code. */
function links(text) {
  return [...stripCode(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1])
}

function headings(text) {
  return new Set([...stripCode(text).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)].map((m) => slug(m[1])))
}

/** Every broken relative link, as `file: target (why)`. */
export function brokenLinks(root) {
  const broken = []
  const readmeHeadings = existsSync(join(root, 'README.md')) ? headings(readFileSync(join(root, 'README.md'), 'utf8')) : new Set()
  for (const doc of documents(root)) {
    const text = readFileSync(join(root, doc), 'utf8')
    for (const target of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // https:, mailto:
      const [path, anchor] = target.split('#')
      const file = path ? resolve(root, dirname(doc), decodeURIComponent(path)) : resolve(root, doc)
      if (!existsSync(file)) {
        broken.push(`${doc}: ${target} (no such file: ${relative(root, file)})`)
        continue
      }
      const own = path ? relative(root, file) : doc
      const anchors = own === 'README.md' ? readmeHeadings : own === doc && !path ? headings(text) : undefined
      if (anchor && anchors && !anchors.has(anchor)) broken.push(`${doc}: ${target} (no heading #${anchor} in ${own})`)
    }
  }
  return broken
}

function main(argv) {
  const root = resolve(argv.includes('--root') ? argv[argv.indexOf('--root') + 1] : join(dirname(fileURLToPath(import.meta.url)), '..'))
  const broken = brokenLinks(root)
  for (const b of broken) console.error(b)
  const docs = documents(root)
  console.log(`${docs.length} documents checked: ${broken.length === 0 ? 'every relative link resolves' : `${broken.length} broken link${broken.length === 1 ? '' : 's'}`}.`)
  process.exitCode = broken.length === 0 ? 0 : 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
