/**
 * The part of PromQL that Grafana's Kubernetes dashboards use, parsed into a small tree: selectors
 * with label matchers, range selectors as function arguments, `rate`/`increase`, the `*_over_time`
 * functions, and `sum/avg/max/min/count [by (labels)]`. Anything else is refused by name, so a user
 * learns what this server answers instead of getting a wrong number.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  /** for `=~` and `!~`: the expression anchored as Prometheus anchors it */
  re?: RegExp;
}

export type Expr =
  | { kind: 'selector'; matchers: Matcher[]; rangeMs?: number }
  | { kind: 'number'; value: number }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'aggregate'; op: AggregateOp; by: string[] | undefined; expr: Expr };

export const AGGREGATE_OPS = ['sum', 'avg', 'max', 'min', 'count'] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

/** Functions over a range of each series, and whether their first argument is a number (`quantile_over_time`). */
export const RANGE_FUNCTIONS: Record<string, { scalarFirst: boolean }> = {
  rate: { scalarFirst: false }, increase: { scalarFirst: false },
  avg_over_time: { scalarFirst: false }, min_over_time: { scalarFirst: false }, max_over_time: { scalarFirst: false },
  sum_over_time: { scalarFirst: false }, count_over_time: { scalarFirst: false }, quantile_over_time: { scalarFirst: true },
};

export const SUPPORTED = 'selectors with =, !=, =~, !~; rate, increase, quantile_over_time and {avg,min,max,sum,count}_over_time over [range]; sum, avg, max, min, count with or without by (...); arithmetic between numbers';

/** A query this server does not answer, or cannot parse: Prometheus's `bad_data`. */
export class PromqlError extends Error {}

interface Token { t: 'ident' | 'string' | 'number' | 'duration' | 'op' | 'eof'; v: string; at: number }

const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration (`5m`, `1h30m`) in ms; also what the HTTP API takes for `step`. */
export function parsePromDuration(text: string): number | undefined {
  if (!DURATION.test(text) || DURATION.exec(text)![0] !== text) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < q.length && q[i] !== '\n') i++; continue; }
    const rest = q.slice(i);
    const d = /^(?:\d+(?:ms|s|m|h|d|w|y))+(?![a-zA-Z_:0-9])/.exec(rest);
    if (d) { out.push({ t: 'duration', v: d[0], at: i }); i += d[0].length; continue; }
    const num = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|[iI][nN][fF]|[nN][aA][nN])(?![a-zA-Z_:0-9])/.exec(rest);
    if (num) { out.push({ t: 'number', v: num[0], at: i }); i += num[0].length; continue; }
    const id = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    if (id) { out.push({ t: 'ident', v: id[0], at: i }); i += id[0].length; continue; }
    if (c === '"' || c === "'" || c === '`') {
      const [value, end] = readString(q, i);
      out.push({ t: 'string', v: value, at: i });
      i = end;
      continue;
    }
    const op = /^(?:=~|!~|!=|==|>=|<=|[-+*/%^(){}[\],=<>@])/.exec(rest);
    if (!op) throw new PromqlError(`1:${i + 1}: parse error: unexpected character: '${c}'`);
    out.push({ t: 'op', v: op[0], at: i });
    i += op[0].length;
  }
  out.push({ t: 'eof', v: '', at: q.length });
  return out;
}

/** A quoted string as PromQL reads it: Go escapes in "" and '', none in ``. */
function readString(q: string, start: number): [string, number] {
  const quote = q[start]!;
  let i = start + 1;
  let s = '';
  while (i < q.length && q[i] !== quote) {
    if (q[i] === '\\' && quote !== '`') {
      const e = q[i + 1];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
      if (e !== undefined && simple[e] !== undefined) { s += simple[e]; i += 2; continue; }
      const u = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(q.slice(i));
      if (!u) throw new PromqlError(`1:${i + 1}: parse error: unknown escape sequence`);
      s += String.fromCodePoint(parseInt(u[1] ?? u[2] ?? u[3]!, 16));
      i += u[0].length;
      continue;
    }
    s += q[i];
    i++;
  }
  if (i >= q.length) throw new PromqlError(`1:${start + 1}: parse error: unterminated quoted string`);
  return [s, i + 1];
}

export function parsePromql(q: string): Expr {
  const tokens = tokenize(q);
  let p = 0;
  const peek = () => tokens[p]!;
  const next = () => tokens[p++]!;
  const unsupported = (what: string): never => {
    throw new PromqlError(`unsupported PromQL: ${what}; this server answers ${SUPPORTED}`);
  };
  const expect = (v: string) => {
    const t = next();
    if (t.v !== v || (t.t !== 'op')) throw new PromqlError(`1:${t.at + 1}: parse error: expected "${v}", found ${t.t === 'eof' ? 'the end of the query' : `"${t.v}"`}`);
  };

  const labelList = (): string[] => {
    expect('(');
    const names: string[] = [];
    while (peek().v !== ')') {
      const t = next();
      if (t.t !== 'ident') throw new PromqlError(`1:${t.at + 1}: parse error: expected a label name in grouping, found "${t.v}"`);
      names.push(t.v);
      if (peek().v === ',') next();
      else break;
    }
    expect(')');
    return names;
  };

  const matchers = (): Matcher[] => {
    expect('{');
    const out: Matcher[] = [];
    while (peek().v !== '}') {
      const name = next();
      if (name.t !== 'ident') throw new PromqlError(`1:${name.at + 1}: parse error: expected a label name, found "${name.v}"`);
      const op = next();
      if (!['=', '!=', '=~', '!~'].includes(op.v)) throw new PromqlError(`1:${op.at + 1}: parse error: expected a label matching operator, found "${op.v}"`);
      const value = next();
      if (value.t !== 'string') throw new PromqlError(`1:${value.at + 1}: parse error: expected a quoted label value, found "${value.v}"`);
      const m: Matcher = { name: name.v, op: op.v as MatchOp, value: value.v };
      if (m.op === '=~' || m.op === '!~') {
        try {
          // Prometheus anchors label regexes at both ends
          m.re = new RegExp(`^(?:${value.v})$`, 's');
        } catch (e) {
          throw new PromqlError(`1:${value.at + 1}: parse error: invalid regular expression "${value.v}": ${(e as Error).message}`);
        }
      }
      out.push(m);
      if (peek().v === ',') next();
      else break;
    }
    expect('}');
    return out;
  };

  const primary = (): Expr => {
    const t = peek();
    if (t.t === 'number') {
      next();
      return { kind: 'number', value: Number(/^0[xX]/.test(t.v) ? parseInt(t.v, 16) : t.v.toLowerCase() === 'inf' ? Infinity : t.v) };
    }
    if (t.t === 'op' && t.v === '(') {
      next();
      const e = expr();
      expect(')');
      return e;
    }
    if (t.t === 'op' && t.v === '{') return selector(undefined);
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      next();
      const e = power();
      if (e.kind !== 'number') unsupported('unary minus on a vector');
      return { kind: 'number', value: t.v === '-' ? -(e as { value: number }).value : (e as { value: number }).value };
    }
    if (t.t !== 'ident') throw new PromqlError(`1:${t.at + 1}: parse error: unexpected ${t.t === 'eof' ? 'end of input' : `"${t.v}"`}`);
    next();
    if ((AGGREGATE_OPS as readonly string[]).includes(t.v) && (peek().v === '(' || peek().v === 'by' || peek().v === 'without')) {
      let by: string[] | undefined;
      if (peek().v === 'without') unsupported('without (...)');
      if (peek().v === 'by') { next(); by = labelList(); }
      expect('(');
      const inner = expr();
      if (peek().v === ',') unsupported(`${t.v} with a parameter`);
      expect(')');
      if (peek().v === 'without') unsupported('without (...)');
      if (peek().v === 'by') {
        if (by) throw new PromqlError(`1:${peek().at + 1}: parse error: ${t.v} has by (...) twice`);
        next();
        by = labelList();
      }
      return { kind: 'aggregate', op: t.v as AggregateOp, by, expr: inner };
    }
    if (['topk', 'bottomk', 'quantile', 'stddev', 'stdvar', 'count_values', 'group'].includes(t.v) && peek().v === '(') unsupported(`the aggregation ${t.v}`);
    if (peek().v === '(') {
      if (!RANGE_FUNCTIONS[t.v]) unsupported(`the function ${t.v}()`);
      next();
      const args: Expr[] = [];
      while (peek().v !== ')') {
        args.push(expr());
        if (peek().v === ',') next();
        else break;
      }
      expect(')');
      return call(t.v, args, t.at);
    }
    if (['bool', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'and', 'or', 'unless'].includes(t.v)) unsupported(`"${t.v}"`);
    return selector(t.v);
  };

  const selector = (name: string | undefined): Expr => {
    const ms = peek().v === '{' ? matchers() : [];
    if (name !== undefined) {
      if (ms.some((m) => m.name === '__name__')) throw new PromqlError(`parse error: metric name must not be set twice: "${name}"`);
      ms.unshift({ name: '__name__', op: '=', value: name });
    }
    // as Prometheus: a selector must say something that not every series says
    if (!ms.some((m) => !(m.re ? m.re.test('') !== (m.op === '!~') : (m.value === '') === (m.op === '=')))) {
      throw new PromqlError('parse error: vector selector must contain at least one non-empty matcher');
    }
    const sel: Expr = { kind: 'selector', matchers: ms };
    if (peek().v === '[') {
      next();
      const d = next();
      if (d.t !== 'duration') {
        if (d.v === ':' || peek().v === ':') unsupported('subqueries');
        throw new PromqlError(`1:${d.at + 1}: parse error: expected a duration in [ ], found "${d.v}"`);
      }
      if (peek().v === ':') unsupported('subqueries');
      expect(']');
      sel.rangeMs = parsePromDuration(d.v)!;
    }
    if (peek().v === 'offset' || peek().v === '@') unsupported(`"${peek().v}" modifiers`);
    return sel;
  };

  const call = (fn: string, args: Expr[], at: number): Expr => {
    const want = RANGE_FUNCTIONS[fn]!.scalarFirst ? 2 : 1;
    if (args.length !== want) throw new PromqlError(`1:${at + 1}: parse error: expected ${want} argument(s) in call to "${fn}", got ${args.length}`);
    const range = args[want - 1]!;
    if (range.kind !== 'selector' || range.rangeMs === undefined) {
      throw new PromqlError(`1:${at + 1}: parse error: expected type range vector in call to function "${fn}", got instant vector`);
    }
    if (want === 2 && args[0]!.kind !== 'number') unsupported(`a computed first argument to ${fn}`);
    return { kind: 'call', fn, args };
  };

  // arithmetic between numbers only (Grafana's data source test asks `1+1`), folded as it is read
  const arith = (a: Expr, op: string, b: Expr, at: number): Expr => {
    if (a.kind !== 'number' || b.kind !== 'number') unsupported(`the binary operator "${op}" between vectors (at 1:${at + 1})`);
    const [x, y] = [(a as { value: number }).value, (b as { value: number }).value];
    const value = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : op === '%' ? x % y : x ** y;
    return { kind: 'number', value };
  };
  const power = (): Expr => {
    const base = primary();
    if (peek().v === '^' && peek().t === 'op') {
      const at = next().at;
      return arith(base, '^', power(), at);
    }
    return base;
  };
  const term = (): Expr => {
    let e = power();
    while (peek().t === 'op' && ['*', '/', '%'].includes(peek().v)) {
      const t = next();
      e = arith(e, t.v, power(), t.at);
    }
    return e;
  };
  const expr = (): Expr => {
    let e = term();
    while (peek().t === 'op' && ['+', '-'].includes(peek().v)) {
      const t = next();
      e = arith(e, t.v, term(), t.at);
    }
    const t = peek();
    if (t.t === 'op' && ['==', '!=', '>', '<', '>=', '<='].includes(t.v)) unsupported(`the comparison operator "${t.v}"`);
    if (t.t === 'ident' && ['and', 'or', 'unless'].includes(t.v)) unsupported(`the set operator "${t.v}"`);
    return e;
  };

  const e = expr();
  const end = peek();
  if (end.t !== 'eof') throw new PromqlError(`1:${end.at + 1}: parse error: unexpected "${end.v}"`);
  return e;
}
