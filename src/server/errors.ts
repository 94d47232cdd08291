/**
 * Expected failures that services raise and actions turn into 4xx answers with a message.
 * Anything else is unexpected: it reaches the 500 page and the log, never the person.
 */
export type ServiceErrorCode = 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'too_large' | 'rate_limited';

export class ServiceError extends Error {
  constructor(
    public readonly code: ServiceErrorCode,
    message: string,
    /** The form field the message belongs beside, when there is one. */
    public readonly field?: string,
    /** For 'rate_limited': seconds until the person may try again (the Retry-After header). */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function httpStatusFor(code: ServiceErrorCode): number {
  switch (code) {
    case 'invalid':
      return 400;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    case 'rate_limited':
      return 429;
  }
}

/** Whether a database error is a UNIQUE constraint (drizzle wraps the driver's error as its cause). */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
}
