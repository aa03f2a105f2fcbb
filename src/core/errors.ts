// Unexpected failures carry a code and travel one path (the adapters' error
// handler). Expected outcomes ("not a coordinator") are replies, not errors.

export type ErrorCode = 'CONFIG_INVALID' | 'STORE_CORRUPT' | 'STORE_VERSION' | 'STORE_WRITE_FAILED' | 'ADAPTER_FAILED' | 'UNEXPECTED';

export class TrellisError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TrellisError';
  }
}

export const asTrellisError = (err: unknown): TrellisError =>
  err instanceof TrellisError ? err : new TrellisError('UNEXPECTED', err instanceof Error ? err.message : String(err), { cause: err });
