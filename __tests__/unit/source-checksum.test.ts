import { createHash } from 'node:crypto'
import { checksum, normaliseForChecksum } from '../../src/source/checksum.js'

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

describe('checksum (DESIGN 7)', () => {
  const lf = 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\n'

  test('is the SHA-256 hex of the LF text', () => {
    expect(checksum(lf)).toBe(sha(lf))
    expect(checksum(lf)).toMatch(/^[0-9a-f]{64}$/)
  })

  test('CRLF, lone CR and a BOM do not change it', () => {
    expect(checksum(lf.replace(/\n/g, '\r\n'))).toBe(checksum(lf))
    expect(checksum(lf.replace(/\n/g, '\r'))).toBe(checksum(lf))
    expect(checksum('\uFEFF' + lf)).toBe(checksum(lf))
    expect(checksum('\uFEFF' + lf.replace(/\n/g, '\r\n'))).toBe(checksum(lf))
  })

  test('a blank line added or two lines joined does change it', () => {
    expect(checksum(lf + '\n')).not.toBe(checksum(lf))
    expect(checksum('CREATE TABLE t (a int); INSERT INTO t VALUES (1);\n')).not.toBe(checksum(lf))
    expect(checksum(lf.replace('(1)', '(2)'))).not.toBe(checksum(lf))
    // \r\r is two line ends, not one
    expect(checksum('a\r\rb')).toBe(checksum('a\n\nb'))
    expect(checksum('a\r\rb')).not.toBe(checksum('a\nb'))
  })

  test('normaliseForChecksum shows what is hashed', () => {
    expect(normaliseForChecksum('\uFEFFa\r\nb\rc\n')).toBe('a\nb\nc\n')
  })
})
