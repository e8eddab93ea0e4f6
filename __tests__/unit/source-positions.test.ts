import {
  advanceCodePoints,
  ByteCursor,
  byteOffsetToIndex,
  countCodePoints,
  formatPosition,
  LineMap,
  lineColAt,
  mapQueryPosition,
  stripBom
} from '../../src/source/positions.js'

describe('stripBom', () => {
  test('removes a leading BOM only', () => {
    expect(stripBom('\uFEFFselect 1')).toBe('select 1')
    expect(stripBom('select \uFEFF1')).toBe('select \uFEFF1')
    expect(stripBom('')).toBe('')
  })
})

describe('lineColAt', () => {
  test('LF, CRLF and lone CR each end a line', () => {
    const text = 'a\nbb\r\nccc\rdddd'
    expect(lineColAt(text, 0)).toEqual({ line: 1, col: 1 })
    expect(lineColAt(text, 2)).toEqual({ line: 2, col: 1 })
    expect(lineColAt(text, 3)).toEqual({ line: 2, col: 2 })
    // the \r of \r\n is still on line 2; the \n too
    expect(lineColAt(text, 4)).toEqual({ line: 2, col: 3 })
    expect(lineColAt(text, 6)).toEqual({ line: 3, col: 1 })
    expect(lineColAt(text, 10)).toEqual({ line: 4, col: 1 })
    expect(lineColAt(text, 13)).toEqual({ line: 4, col: 4 })
  })

  test('columns count code points: é is one, an emoji is one', () => {
    const text = "x\nselect 'é😀', frm"
    const idx = text.indexOf('frm')
    // s e l e c t _ ' é 😀 ' , _ f  -> f is the 14th code point
    expect(lineColAt(text, idx)).toEqual({ line: 2, col: 14 })
    expect(idx - text.indexOf('select')).toBe(14) // the emoji takes two JS units
  })

  test('an index past the end clamps to the end', () => {
    expect(lineColAt('ab\ncd', 99)).toEqual({ line: 2, col: 3 })
  })
})

describe('LineMap', () => {
  test('answers out-of-order queries the same as in-order ones', () => {
    const text = 'éé😀x\n\r\nabc😀def\rz'
    const map = new LineMap(text)
    const expected = [...Array(text.length + 1).keys()].map((i) => new LineMap(text).position(i))
    const order = [...Array(text.length + 1).keys()].reverse()
    for (const i of order) expect(map.position(i)).toEqual(expected[i])
    expect(map.lineCount).toBe(4)
    expect(map.lineStart(3)).toBe(text.indexOf('abc'))
  })

  test('one 2 MB line with many queries stays fast (no quadratic column counting)', () => {
    const text = 'select 1; '.repeat(200_000)
    const map = new LineMap(text)
    const t0 = Date.now()
    let last = { line: 0, col: 0 }
    for (let i = 0; i < text.length; i += 10) last = map.position(i)
    expect(last).toEqual({ line: 1, col: text.length - 9 })
    expect(Date.now() - t0).toBeLessThan(1500)
  })
})

describe('code points and bytes', () => {
  test('countCodePoints and advanceCodePoints agree', () => {
    const text = 'aé😀b'
    expect(countCodePoints(text, 0, text.length)).toBe(4)
    expect(advanceCodePoints(text, 0, 2)).toBe(2)
    expect(advanceCodePoints(text, 0, 3)).toBe(4) // past the surrogate pair
    expect(advanceCodePoints(text, 0, 99)).toBe(text.length)
    expect(advanceCodePoints(text, 1, 1)).toBe(2)
  })

  test('byteOffsetToIndex maps UTF-8 byte offsets to JS indexes', () => {
    const text = 'aé😀b' // bytes: a=1, é=2, 😀=4, b=1
    expect(byteOffsetToIndex(text, 0)).toBe(0)
    expect(byteOffsetToIndex(text, 1)).toBe(1)
    expect(byteOffsetToIndex(text, 3)).toBe(2)
    expect(byteOffsetToIndex(text, 7)).toBe(4)
    expect(text[byteOffsetToIndex(text, 7)]).toBe('b')
    expect(byteOffsetToIndex('plain ascii', 6)).toBe(6)
  })

  test('ByteCursor continues forward and restarts when asked backwards', () => {
    const text = 'é'.repeat(10) + 'x'
    const c = new ByteCursor(text)
    expect(c.toIndex(4)).toBe(2)
    expect(c.toIndex(20)).toBe(10)
    expect(c.toIndex(2)).toBe(1)
  })

  test('converting every offset of a 4 MB multibyte text is linear', () => {
    const text = 'é😀 select 1;\n'.repeat(300_000)
    const c = new ByteCursor(text)
    const t0 = Date.now()
    const unit = Buffer.byteLength('é😀 select 1;\n')
    let idx = 0
    for (let k = 0; k < 300_000; k += 3) idx = c.toIndex(k * unit)
    expect(idx).toBe((300_000 - 3) * 'é😀 select 1;\n'.length)
    expect(Date.now() - t0).toBeLessThan(1500)
  })
})

describe('mapQueryPosition (Postgres error positions)', () => {
  test('a 1-based character position in the sent text maps to file line:col', () => {
    const fileText = '-- header é\r\nCREATE TABLE t (a int);\r\nINSERT INTO t VALUES (\'😀\', nope);\r\n'
    const start = fileText.indexOf('CREATE')
    const sent = fileText.slice(start)
    // Postgres counts characters: the emoji is one
    const chars = [...sent]
    const pgPosition = chars.findIndex((_, i) => chars.slice(i, i + 4).join('') === 'nope') + 1
    expect(mapQueryPosition(fileText, sent, start, pgPosition)).toEqual({ line: 3, col: 28 })
    expect(formatPosition('db/x.sql', { line: 3, col: 28 })).toBe("db/x.sql:3:28")
  })
})
