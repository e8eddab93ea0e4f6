// `1,000`: a count with thousands separators, as `n.toLocaleString('en-US')` writes it,
// without loading ICU. The first toLocaleString (or localeCompare) of a process
// initialises ICU's locale data: 45-64 ms of CPU on Node 24, a tenth of a no-op run
// (docs/BENCHMARKS.md, issue 17). Counts are integers; anything else (a fraction, NaN,
// a number past 2^53, -0) still goes to toLocaleString, so the text is the same either way.
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US')
  const digits = String(Math.abs(n))
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1)
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`
  return n < 0 ? `-${out}` : out
}
