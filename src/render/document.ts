import { dump } from 'js-yaml';

export type DocumentFormat = 'json' | 'yaml';

/** `-o json` and `-o yaml` print one and the same document, as kubectl's do. */
export function documentText(doc: unknown, format: DocumentFormat): string {
  return format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : dump(doc, { noRefs: true, lineWidth: -1 });
}
