const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/;

/** A Kubernetes resource quantity (`250m`, `1.5Gi`, `2e3`) as a number of base units; NaN when malformed. */
export function parseQuantity(q: string | number | undefined): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = QUANTITY.exec(q.trim());
  if (!m) return NaN;
  const mult = SUFFIX[m[3]!];
  if (mult === undefined || (m[2] !== undefined && m[3] !== '')) return NaN;
  return Number(m[1]) * (m[2] !== undefined ? 10 ** Number(m[2]) : 1) * mult;
}

/**
 * Heapster's amounts: cpu as MilliValue, everything else as Value; both round up, as the
 * apimachinery Quantity does.
 */
export function resourceAmount(resource: string, q: string | number | undefined): number | undefined {
  const v = parseQuantity(q);
  if (Number.isNaN(v)) return undefined;
  return resource === 'cpu' ? Math.ceil(Math.round(v * 1e9) / 1e6) : Math.ceil(Math.round(v * 1e3) / 1e3);
}
