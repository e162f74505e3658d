/** What went wrong, as a closed vocabulary; the exit status follows from it. */
export type ErrorCode =
  | 'usage'
  | 'config'
  | 'unauthorized'
  | 'forbidden'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'http'
  | 'bad-payload'
  | 'archive'
  | 'internal';

/**
 * An error the user should see as one line: what is wrong and what to do. Usage errors exit 2,
 * everything else 1. Messages never carry credentials.
 */
export class PluginError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'PluginError';
  }

  get exitCode(): number {
    return this.code === 'usage' ? 2 : 1;
  }

  /** The one line printed for the user. */
  get line(): string {
    return this.hint ? `${this.message}; ${this.hint}` : this.message;
  }
}

export const usageError = (message: string, hint?: string): PluginError => new PluginError('usage', message, hint);
