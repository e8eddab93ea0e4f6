// The GitHub Marketplace refuses to list an action whose metadata breaks its
// rules, and it says so only when a release is published. These are its rules,
// checked on every run.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

interface Metadata {
  name?: unknown
  description?: unknown
  author?: unknown
  branding?: { icon?: unknown; color?: unknown }
  runs?: { using?: unknown; main?: unknown }
}
const meta = parse(readFileSync('action.yml', 'utf8')) as Metadata

// The colours the Marketplace accepts for branding.color.
const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
// branding.icon takes a Feather icon name; GitHub omits a few of Feather's icons
// (brand logos among them). These are Feather icons GitHub accepts that suit a
// database tool: choosing another means checking it against GitHub's list.
const ICONS = ['database', 'server', 'layers', 'git-pull-request', 'shield', 'check-circle', 'upload-cloud', 'package']

test('name is set, short, and not GitHub-reserved', () => {
  expect(meta.name).toEqual(expect.any(String))
  const name = meta.name as string
  expect(name.length).toBeGreaterThan(0)
  expect(name.length).toBeLessThanOrEqual(50)
  expect(name.toLowerCase()).not.toMatch(/^(github|actions?)\b/)
})

test('description is under 125 characters, as the Marketplace requires', () => {
  expect(meta.description).toEqual(expect.any(String))
  const description = meta.description as string
  expect(description.trim().length).toBeGreaterThan(20)
  expect(description.length).toBeLessThan(125)
})

test('author is a real name, not the placeholder or the action name', () => {
  expect(meta.author).toEqual(expect.any(String))
  expect((meta.author as string).trim()).not.toMatch(/^(pgshift|acme|author|todo|your name)?$/i)
})

test('branding has an icon and a colour the Marketplace accepts', () => {
  expect(ICONS).toContain(meta.branding?.icon)
  expect(COLORS).toContain(meta.branding?.color)
})

test('runs on Node 24 from the committed bundle', () => {
  expect(meta.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
})
