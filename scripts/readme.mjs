// npm run readme: writes the README's inputs and outputs tables from action.yml,
// between the markers <!-- inputs:start --> / <!-- inputs:end --> and
// <!-- outputs:start --> / <!-- outputs:end -->, so the README never disagrees
// with the action. `--check` changes nothing and exits 1 when the README is stale
// (__tests__/unit/readme.test.ts runs it).
//
//   node scripts/readme.mjs [--check] [--action action.yml] [--readme README.md]
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

/** The README shows a description whole when it is short; else its first sentence, without parentheses if still long. */
const SHORT = 90

/** One line of a markdown table cell: no line breaks, pipes escaped. */
const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')

/** Removes balanced ( ... ) groups and the space before each. */
const withoutParentheses = (text) => {
  let out = text
  for (let prev = ''; prev !== out; ) [prev, out] = [out, out.replace(/\s?\([^()]*\)/g, '')]
  return out
}

/** Text up to the first full stop that ends a sentence: outside parentheses, not in `e.g.` or `i.e.`. */
function firstSentenceEnd(flat) {
  let depth = 0
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i]
    if (c === '(') depth++
    else if (c === ')') depth = Math.max(0, depth - 1)
    else if ('.!?'.includes(c) && depth === 0 && /\s/.test(flat[i + 1] ?? ' ') && !/\b(e\.g|i\.e|etc|vs)$/i.test(flat.slice(0, i))) return flat.slice(0, i + 1)
  }
  return flat
}

/** The table's text for one description (action.yml keeps the whole of it). */
export function firstSentence(text) {
  const flat = String(text).replace(/\s+/g, ' ').trim()
  if (flat.length <= SHORT) return flat
  const sentence = firstSentenceEnd(flat)
  return sentence.length <= SHORT ? sentence : withoutParentheses(sentence)
}

function defaultCell(input) {
  if (input.required === true || input.required === 'true') return '**required**'
  const d = input.default === undefined ? '' : String(input.default)
  return d === '' ? '' : `\`${d}\``
}

export function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, input]) => `| \`${name}\` | ${defaultCell(input)} | ${cell(firstSentence(input.description ?? ''))} |`)
  return ['| input | default | description |', '|---|---|---|', ...rows].join('\n')
}

export function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(([name, output]) => `| \`${name}\` | ${cell(firstSentence(output.description ?? ''))} |`)
  return ['| output | description |', '|---|---|', ...rows].join('\n')
}

/** The README with both tables replaced; throws when a marker is missing. */
export function renderReadme(readme, action) {
  let out = readme
  for (const [key, table] of [
    ['inputs', inputsTable(action)],
    ['outputs', outputsTable(action)]
  ]) {
    const start = `<!-- ${key}:start (generated from action.yml by npm run readme) -->`
    const end = `<!-- ${key}:end -->`
    const i = out.indexOf(start)
    const j = out.indexOf(end)
    if (i < 0 || j < i) throw new Error(`README: the markers ${start} ... ${end} are missing`)
    out = `${out.slice(0, i + start.length)}\n${table}\n${out.slice(j)}`
  }
  return out
}

function main(argv) {
  const arg = (flag, dflt) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : dflt)
  const root = resolve(fileURLToPath(import.meta.url), '../..')
  const actionPath = resolve(root, arg('--action', 'action.yml'))
  const readmePath = resolve(root, arg('--readme', 'README.md'))
  const action = parse(readFileSync(actionPath, 'utf8'))
  const readme = readFileSync(readmePath, 'utf8')
  const next = renderReadme(readme, action)
  if (argv.includes('--check')) {
    if (next !== readme) {
      console.error(`${readmePath}: the inputs or outputs tables disagree with ${actionPath}. Run npm run readme and commit README.md.`)
      process.exitCode = 1
    }
    return
  }
  if (next !== readme) writeFileSync(readmePath, next)
  console.log(next === readme ? 'README.md is up to date with action.yml.' : 'README.md: inputs and outputs tables rewritten from action.yml.')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
