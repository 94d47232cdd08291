/**
 * Expected failures that services raise and actions turn into 4xx answers with a message (503
 * while another process holds the database), through formFailure() in src/actions/outcome.ts.
 * Anything else is unexpected: it reaches the 500 page and the log, never the person.
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

/** Several fields wrong at once (a whole form validated): a message for the form and one beside each field. */
export class InvalidFields extends ServiceError {
  constructor(
    message: string,
    public readonly fields: Partial<Record<string, string>>,
  ) {
    super('invalid', message);
    this.name = 'InvalidFields';
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

/**
 * Whether an error says the database cannot take a write right now: SQLite's busy or locked (another
 * connection holds the lock it needed), or in libSQL mode the primary out of reach.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) return true;
  return isPrimaryBusy(error) || isDatabaseUnreachable(error);
}

/**
 * libSQL mode: the primary answered a write through a replica with SQLite's busy (5) or locked (6),
 * e.g. during sqld's periodic WAL checkpoint; the message is all there is (no code).
 */
function isPrimaryBusy(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const sqliteCode = /RemoteSqliteFailure\(\d+, (\d+),/.exec(current.message)?.[1];
    // The primary result code is the low byte (extended codes such as SQLITE_BUSY_SNAPSHOT add to it).
    if (sqliteCode !== undefined && [5, 6].includes(Number(sqliteCode) & 0xff)) return true;
  }
  return false;
}

/**
 * libSQL mode with the primary down (checked against sqld 0.24): a write through a replica fails at
 * once with WriteDelegation(status: Unavailable…) and no code, a remote client with "fetch failed",
 * a sync with PrimaryHandshakeTimeout. drizzle wraps each, so the causes are searched.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (/WriteDelegation|Unavailable|fetch failed|ECONNREFUSED|PrimaryHandshakeTimeout|connection refused/i.test(current.message)) return true;
  }
  return false;
}

/** Seconds a person is asked to wait when another process holds the database's write lock. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Another process (a backup, `npm run user:role`) holding the write lock is expected, not a bug:
 * it becomes a 503 with Retry-After and the form as typed. Any other error passes through.
 */
export function busyAsServiceError(error: unknown): unknown {
  if (!isDatabaseBusy(error)) return error;
  if (isDatabaseUnreachable(error)) {
    return new ServiceError(
      'busy',
      'Saving is paused for a moment: the site cannot reach its database server, so nothing was saved yet. Reading still works. Please send this again in a minute.',
      undefined,
      BUSY_RETRY_AFTER_SECONDS,
    );
  }
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
