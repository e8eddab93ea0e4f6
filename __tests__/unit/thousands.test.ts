import { thousands } from '../../src/report/thousands.js'

describe('thousands', () => {
  it('writes counts as toLocaleString("en-US") does', () => {
    const values = [0, -0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 12345, 99999, 100000, 123456, 999999, 1000000, 1234567, 12345678, 123456789, 1234567890, -1, -12, -999, -1000, -1234567, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]
    for (const n of values) expect(thousands(n)).toBe(n.toLocaleString('en-US'))
    for (let n = 0; n < 20000; n += 7) expect(thousands(n)).toBe(n.toLocaleString('en-US'))
  })

  it('leaves what is not a safe integer to toLocaleString', () => {
    for (const n of [0.5, 1234.5678, -1234.5, 2 ** 60, NaN, Infinity, -Infinity]) expect(thousands(n)).toBe(n.toLocaleString('en-US'))
  })
})
