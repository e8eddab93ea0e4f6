// Trusted advice vs untrusted text (issue 19 item 5): pgshift's own commands
// render as code spans that paste as typed; untrusted text stays inert.
import { advice, adviceMarkdown, code, md, text } from '../../src/report/trusted.js'

const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/

describe('advice', () => {
  test('commands in backticks render as code spans, verbatim, with no invisible character', () => {
    const out = adviceMarkdown('on Ubuntu, `sudo apt-get install -y postgresql-client-17`; on macOS, `brew install postgresql@17`. Then run `pgshift plan`.')
    expect(out).toContain('`sudo apt-get install -y postgresql-client-17`')
    expect(out).toContain('`brew install postgresql@17`')
    expect(out).toContain('`pgshift plan`')
    expect(out).not.toContain('\\`')
    expect(out).not.toMatch(INVISIBLE)
  })

  test('prose around the code stays escaped: no HTML, no mention, no table break', () => {
    const out = adviceMarkdown('ask @octocat <b>now</b> | see `a|b`')
    expect(out).toContain('&lt;b&gt;')
    expect(out).toContain('@\u200Boctocat')
    expect(out).toContain('\\|')
    expect(out).toContain('`a|b`')
  })

  test('an unmatched backtick is literal, escaped', () => {
    expect(adviceMarkdown('a ` b')).toBe('a \\` b')
  })

  test('interpolated values become code spans nothing inside can close', () => {
    const a = advice`Rename ${'x`y <!-- k -->.sql'} and run \`pgshift plan\`.`
    expect(a).toBe("Rename ``x`y <!\\-- k -->.sql`` and run `pgshift plan`.")
    const out = adviceMarkdown(a)
    expect(out).toBe("Rename ``x`y <!\\-- k -->.sql`` and run `pgshift plan`.")
  })

  test('md takes fragments and numbers; untrusted strings go through text() or code()', () => {
    expect(md`**n:** ${1000} ${text('<!-- x -->')} ${code('a`b')}`).toBe('**n:** 1,000 &lt;!-- x --&gt; ``a`b``')
  })
})

describe('in the rendered report', () => {
  test('the pg_dump install advice pastes as typed (issue 19: a zero-width space after @ broke `brew install`)', async () => {
    const { installAdvice } = await import('../../src/backup/pg-dump.js')
    const { renderMarkdown } = await import('../../src/report/markdown.js')
    const { runReport } = await import('../support/reports.js')
    const out = renderMarkdown(runReport({ status: 'failed', error: { message: 'no pg_dump', next: `Nothing was changed. ${installAdvice(17)}` }, nextStep: 'Run `pgshift plan` first.' }))
    expect(out).toContain('`sudo apt-get install -y postgresql-client-17`')
    expect(out).toContain('`brew install postgresql@17`')
    expect(out).toContain('`pgshift plan`')
    expect(out).not.toContain('\\`')
    expect(out).not.toMatch(INVISIBLE)
  })
})
