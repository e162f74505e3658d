/**
 * Numbers as Go's formatters print them, since Heapster's sinks were Go: the same bytes on the
 * wire, whatever JavaScript's own formatting would choose.
 */

/** `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest exact decimal, never an exponent. */
export function goShortest(v: number): string {
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = '', exp] = m;
  const digits = lead! + frac;
  const e = Number(exp);
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  return `${sign}${digits}${'0'.repeat(Math.max(0, e - frac.length))}`;
}

/** An int64 value in decimal, without the exponent JavaScript uses from 1e21. */
export function goInt(v: number): string {
  return Math.abs(v) < 1e21 ? String(Math.trunc(v)) : BigInt(Math.trunc(v)).toString();
}

/** `%f`: six decimals, never an exponent. */
export function goFixed6(v: number): string {
  return Math.abs(v) < 1e21 ? v.toFixed(6) : `${BigInt(Math.trunc(v)).toString()}.000000`;
}

/**
 * `encoding/json` for a float64: the shortest representation, with an exponent below 1e-6 and from
 * 1e21, written as Go writes it (`1e-07`, two exponent digits at least).
 */
export function goJsonFloat(v: number): string {
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
