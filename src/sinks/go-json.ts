/** A string as Go's encoding/json writes it: `<`, `>`, `&` and the line separators escaped, so the bytes match Heapster's. */
export const goString = (s: string): string =>
  JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A Go map[string]string as encoding/json writes it: keys sorted. */
export const goStringMap = (m: Record<string, string>): string =>
  `{${Object.keys(m).sort().map((k) => `${goString(k)}:${goString(m[k]!)}`).join(',')}}`;

/** A time.Time in UTC as encoding/json writes it: RFC 3339 with the fraction's trailing zeros trimmed. */
export const goJsonTime = (ms: number): string => goString(new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z'));
