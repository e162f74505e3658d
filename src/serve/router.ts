/** go-restful's CurlyRouter, as Heapster used it: `{name}` takes one segment, `{name:*}` the rest. */
export type Params = Record<string, string>;

export interface Route<T> {
  segments: string[];
  handler: T;
}

export function route<T>(pattern: string, handler: T): Route<T> {
  return { segments: pattern.split('/').filter(Boolean), handler };
}

/** The first route matching the path; leading and trailing slashes never matter. */
export function match<T>(routes: readonly Route<T>[], path: string): { handler: T; params: Params } | undefined {
  const parts = path.split('/').filter(Boolean);
  outer: for (const r of routes) {
    const params: Params = {};
    for (let i = 0; i < r.segments.length; i++) {
      const seg = r.segments[i]!;
      const greedy = /^\{([^}:]+):\*\}$/.exec(seg);
      if (greedy) {
        if (i >= parts.length) continue outer;
        params[greedy[1]!] = parts.slice(i).join('/');
        return { handler: r.handler, params };
      }
      const part = parts[i];
      if (part === undefined) continue outer;
      const name = /^\{([^}]+)\}$/.exec(seg);
      if (name) params[name[1]!] = part;
      else if (seg !== part) continue outer;
    }
    if (parts.length === r.segments.length) return { handler: r.handler, params };
  }
  return undefined;
}
