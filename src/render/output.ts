/** Where renderers write: a stream they are given, never process.stdout directly. */
export interface Output {
  write(text: string): unknown;
}

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml', 'csv', 'chart'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
