import { dump } from 'js-yaml';

export type DocumentFormat = 'json' | 'yaml';

/** `-o json` and `-o yaml` print one and the same document, as kubectl's do. */
export function documentText(doc: unknown, format: DocumentFormat): string {
  return format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : dump(doc, { noRefs: true, lineWidth: -1 });
}

/** A time for scripts: RFC 3339 in UTC, whole seconds without a fraction, as Kubernetes writes them. */
export function rfc3339(ms: number): string;
export function rfc3339(ms: number | undefined): string | undefined;
export function rfc3339(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}
