import type { Batch } from '../model/index.js';

/** A destination for batches: Heapster's `--sink`. */
export interface Sink {
  /** the spec with its credentials masked: for messages, progress and the archive */
  readonly shown: string;
  /** Checks that the server is there and takes data (creating a database where Heapster did); a refusal rejects with a PluginError that says what to fix. */
  probe(): Promise<void>;
  /** Sends one batch; the number of samples it held. A failure rejects with a SinkError. */
  send(batch: Batch): Promise<number>;
  close(): void;
}

/** A failed send: `retryable` when trying again later may work (the server down, busy, or failing), not when it refused the data. */
export class SinkError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'SinkError';
  }
}

/** A network failure or a 5xx or 429 is worth retrying; other statuses mean the data or credentials were refused. */
export const retryableStatus = (status: number): boolean => status >= 500 || status === 429 || status === 408;

export function firstLine(body: string): string {
  return body.trim().split('\n')[0]!.slice(0, 300);
}
