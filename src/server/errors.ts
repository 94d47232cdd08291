/**
 * Expected failures that services raise and actions turn into 4xx answers with a message (503
 * while another process holds the database). Anything else is unexpected: it reaches the 500
 * page and the log, never the person.
 */

export type ServiceErrorCode = 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'too_large' | 'rate_limited' | 'busy';

export class ServiceError extends Error {
  constructor(
    public readonly code: ServiceErrorCode,
    message: string,
    /** The form field the message belongs beside, when there is one. */
    public readonly field?: string,
    /** For 'rate_limited' and 'busy': seconds until the person may try again (the Retry-After header). */
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
    case 'busy':
      return 503;
  }
}

/** Whether an error is SQLite saying another connection holds the lock it needed. */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Seconds a person is asked to wait when another process holds the database's write lock. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Another process (a backup, `npm run user:role`) holding the write lock is expected, not a bug:
 * it becomes a 503 with Retry-After and the form as typed. Any other error passes through.
 */
export function busyAsServiceError(error: unknown): unknown {
  if (!isDatabaseBusy(error)) return error;
  return new ServiceError(
    'busy',
    'The site is busy with maintenance for a moment, so nothing was saved yet. Please send this again in a few seconds.',
    undefined,
    BUSY_RETRY_AFTER_SECONDS,
  );
}

/** Whether a database error is a UNIQUE constraint (drizzle wraps the driver's error as its cause). */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
    // libSQL over the network reports only the primary code; the message names the constraint.
    if (code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(current.message)) return true;
  }
  return false;
}
