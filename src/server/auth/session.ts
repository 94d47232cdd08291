/**
 * Login sessions: create, validate (sliding 30 days, plus an absolute lifetime lucia v3 lacks),
 * invalidate, and the cookie that carries the token.
 */
import type { APIContext, AstroCookies } from 'astro';
import { luciaFor, SESSION_SLIDING_DAYS } from './lucia';
import { randomToken, sha256Hex, looksLikeToken } from '../crypto';
import { getDb } from '../db';
import { readPrimary, rowsChanged, write, writeUnlessBusy, type Db } from '../transaction';
import { isDatabaseBusy } from '../errors';
import { authSessions } from '../../../db/schema';
import { or, lte } from 'drizzle-orm';
import { preparedAll } from '../statements';

/** However active, a session ends after this long; then the person logs in again. */
export const SESSION_ABSOLUTE_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** `__Host-` pins the cookie to this host over https (no Domain, Path=/, Secure). */
export function sessionCookieName(url: URL): string {
  return url.protocol === 'https:' ? '__Host-session' : 'session';
}

export interface ValidatedSession {
  session: { id: string; expiresAt: Date; fresh: boolean; createdAt: number };
  user: { id: string; username: string; role: 'member' | 'moderator' };
}

/** Starts a session for a user and returns the token for the cookie (only its hash is stored). */
export async function createAuthSession(db: Db, userId: string, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const session = await write(db, (w) => luciaFor(w).createSession(userId, { createdAt: now }, { sessionId: sha256Hex(token) }));
  return { token, expiresAt: session.expiresAt };
}

/** The session and user for a token, or null when unknown, expired or past its absolute lifetime. */
export async function validateSessionToken(db: Db, token: string, now = Date.now()): Promise<ValidatedSession | null> {
  if (!looksLikeToken(token)) return null;
  // Most requests only read: a session is written only when it is about to be extended or is over.
  // Behind an embedded replica a session created a moment ago on another server may not have
  // arrived yet: ask the primary before treating the person as logged out.
  const read = (await readSessionToken(db, token, now)) ?? (await readSessionToken(readPrimary(db), token, now));
  const halfLife = (SESSION_SLIDING_DAYS * 24 * 60 * 60 * 1000) / 2;
  if (read && read.session.expiresAt.getTime() - now > halfLife) return read;
  return write(readPrimary(db), (w) => validateAndRefresh(w, token, now));
}

async function validateAndRefresh(db: Db, token: string, now: number): Promise<ValidatedSession | null> {
  const lucia = luciaFor(db);
  const { session, user } = await lucia.validateSession(sha256Hex(token));
  if (!session || !user) return null;
  if (now - session.createdAt > SESSION_ABSOLUTE_LIFETIME_MS) {
    await lucia.invalidateSession(session.id);
    return null;
  }
  return {
    session: { id: session.id, expiresAt: session.expiresAt, fresh: session.fresh, createdAt: session.createdAt },
    user: { id: user.id, username: user.username, role: user.role },
  };
}

/**
 * The same answer as validateSessionToken without writing: for reading a page while another
 * process holds the write lock (no refresh of the expiry, no clean-up of an expired session).
 */
export async function readSessionToken(db: Db, token: string, now = Date.now()): Promise<ValidatedSession | null> {
  if (!looksLikeToken(token)) return null;
  // Every request with a session cookie runs this: a kept statement, not a query built each time.
  const [row] = await preparedAll<{ id: string; expiresAt: number; createdAt: number; userId: string; username: string; role: 'member' | 'moderator' }>(
    db,
    `SELECT s.id, s.expires_at AS expiresAt, s.created_at AS createdAt, u.id AS userId, u.username, u.role
     FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
    sha256Hex(token),
  );
  if (!row || row.expiresAt * 1000 <= now || now - row.createdAt > SESSION_ABSOLUTE_LIFETIME_MS) return null;
  return {
    session: { id: row.id, expiresAt: new Date(row.expiresAt * 1000), fresh: false, createdAt: row.createdAt },
    user: { id: row.userId, username: row.username, role: row.role },
  };
}

export async function invalidateAuthSession(db: Db, sessionId: string): Promise<void> {
  await write(db, (w) => luciaFor(w).invalidateSession(sessionId));
}

/** Ends every session of a user (password change, account deletion). */
export async function invalidateUserSessions(db: Db, userId: string): Promise<void> {
  await write(db, (w) => luciaFor(w).invalidateUserSessions(userId));
}

export function setSessionCookie(cookies: AstroCookies, url: URL, token: string): void {
  cookies.set(sessionCookieName(url), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    path: '/',
    maxAge: SESSION_SLIDING_DAYS * 24 * 60 * 60,
  });
}

export function clearSessionCookie(cookies: AstroCookies, url: URL): void {
  cookies.delete(sessionCookieName(url), { path: '/', secure: url.protocol === 'https:', httpOnly: true, sameSite: 'lax' });
}

/** Deletes sessions past their sliding expiry or their absolute lifetime. */
export async function purgeExpiredSessions(db: Db, now = Date.now()): Promise<number> {
  const result = await write(db, (w) =>
    w
      .delete(authSessions)
      .where(or(lte(authSessions.expiresAt, Math.floor(now / 1000)), lte(authSessions.createdAt, now - SESSION_ABSOLUTE_LIFETIME_MS)))
      .run(),
  );
  return rowsChanged(result);
}

let lastPurge = 0;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/** Middleware step: turns the session cookie into locals.user; refreshes or clears the cookie. */
export async function identifyUser(context: APIContext): Promise<void> {
  const token = context.cookies.get(sessionCookieName(context.url))?.value;
  if (!token) return;
  const db = await getDb();
  // Sessions nobody presents again would otherwise stay forever; sweep them at most hourly.
  if (Date.now() - lastPurge > PURGE_EVERY_MS) {
    lastPurge = Date.now();
    await writeUnlessBusy(() => purgeExpiredSessions(db), 0);
  }
  // Validating may refresh the session (a write); while another process holds the write lock a
  // page is still read as the logged-in person, and the refresh waits for the next request.
  let result: ValidatedSession | null;
  try {
    result = await validateSessionToken(db, token);
  } catch (error) {
    if (!isDatabaseBusy(error)) throw error;
    result = await readSessionToken(db, token);
  }
  if (!result) {
    clearSessionCookie(context.cookies, context.url);
    return;
  }
  context.locals.user = result.user;
  context.locals.authSession = { id: result.session.id, expiresAt: result.session.expiresAt, fresh: result.session.fresh };
  if (result.session.fresh) setSessionCookie(context.cookies, context.url, token);
}
