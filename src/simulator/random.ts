/** FNV-1a of a string: a stable 32-bit seed for every simulated object. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) fixed by the seed and a name: the simulated world is a pure function of both. */
export function unit(seed: number, name: string): number {
  let t = (hash32(name) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function between(seed: number, name: string, lo: number, hi: number): number {
  return lo + unit(seed, name) * (hi - lo);
}

export function pick<T>(seed: number, name: string, items: readonly T[]): T {
  return items[Math.floor(unit(seed, name) * items.length)]!;
}

/** Five lowercase alphanumerics, as Kubernetes generates pod name suffixes. */
export function suffix(seed: number, name: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 5; i++) out += alphabet[Math.floor(unit(seed, `${name}#${i}`) * alphabet.length)];
  return out;
}

/** `digits` hexadecimal digits fixed by the seed and a name (UIDs, digests, machine IDs). */
export function hex(seed: number, name: string, digits: number): string {
  let out = '';
  for (let i = 0; out.length < digits; i++) out += hash32(`${seed}/${name}/${i}`).toString(16).padStart(8, '0');
  return out.slice(0, digits);
}
