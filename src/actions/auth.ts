/**
 * Form handlers for accounts: register, log in, log out, change password, delete account, and
 * the story shortcuts on /me. Failed logins are limited per username and per address.
 */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, parseId } from '../server/http';
import { ServiceError, httpStatusFor, busyAsServiceError } from '../server/errors';
import { clientKey, enforceRateLimit, rejectHoneypot } from '../server/abuse';
import { rateLimiter } from '../server/rate-limit';
import { authenticate, changePassword, deleteAccount, registerUser, listOwnContent } from '../server/accounts';
import { createAuthSession, setSessionCookie, clearSessionCookie, invalidateAuthSession } from '../server/auth/session';
import { AUTHOR_COOKIE, adoptAuthor, findAuthorByKey } from '../server/authors';
import { deleteStory, rotateManageToken } from '../server/stories';
import { safeReturnPath } from '../lib/labels';

export type AuthFormOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'form'; status: number; errors: Record<string, string>; values: Record<string, string>; message: string | null; retryAfterSeconds?: number };

function toForm(error: unknown, values: Record<string, string>): AuthFormOutcome {
  error = busyAsServiceError(error);
  if (error instanceof ServiceError) {
    return {
      kind: 'form',
      status: httpStatusFor(error.code),
      errors: error.field ? { [error.field]: error.message } : {},
      values,
      message: error.field ? null : error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  throw error;
}

/** Adopts the browser's anonymous author key, so earlier posts become the account's. */
function adoptBrowserAuthor(context: APIContext, userId: string): void {
  const db = getDb();
  const author = findAuthorByKey(db, context.cookies.get(AUTHOR_COOKIE)?.value);
  if (author && author.userId === null) adoptAuthor(db, author.id, userId);
}

async function startSession(context: APIContext, userId: string): Promise<void> {
  // A browser holds one session: the one its cookie is about to lose ends on the server too.
  const previous = context.locals.authSession;
  if (previous) await invalidateAuthSession(getDb(), previous.id);
  const { token } = await createAuthSession(getDb(), userId);
  setSessionCookie(context.cookies, context.url, token);
}

export async function handleRegister(context: APIContext): Promise<AuthFormOutcome> {
  let values: Record<string, string> = {};
  try {
    const form = await readForm(context.request);
    values = { username: formText(form, 'username') };
    rejectHoneypot(form);
    enforceRateLimit('register', clientKey(context));
    const user = await registerUser(getDb(), values.username, formText(form, 'password'));
    adoptBrowserAuthor(context, user.id);
    await startSession(context, user.id);
    return { kind: 'redirect', location: '/me?welcome=1' };
  } catch (error) {
    return toForm(error, values);
  }
}

const LOGIN_FAILED = 'That username and password do not match. Check both and try again.';

export async function handleLogin(context: APIContext): Promise<AuthFormOutcome> {
  let values: Record<string, string> = {};
  try {
    const form = await readForm(context.request);
    const username = formText(form, 'username').trim().toLowerCase();
    values = { username: formText(form, 'username'), next: formText(form, 'next') };
    rejectHoneypot(form);
    enforceRateLimit('login-ip', clientKey(context));
    // Per username, whatever address it comes from. The attempt is counted before the (slow)
    // password check, so parallel guesses cannot all slip past the limit; a success clears the
    // count again, so in effect only failures add up.
    const userKey = `user:${username}`;
    const userLimit = rateLimiter.hit('login-user', userKey);
    if (!userLimit.ok) {
      throw new ServiceError('rate_limited', 'Too many failed attempts for this username. Please wait a few minutes and try again.', undefined, userLimit.retryAfterSeconds);
    }
    const user = await authenticate(getDb(), username, formText(form, 'password'));
    if (!user) throw new ServiceError('invalid', LOGIN_FAILED);
    rateLimiter.reset('login-user', userKey);
    adoptBrowserAuthor(context, user.id);
    await startSession(context, user.id);
    return { kind: 'redirect', location: safeReturnPath(values.next, '/me') };
  } catch (error) {
    return toForm(error, values);
  }
}

export async function handleLogout(context: APIContext): Promise<string> {
  const session = context.locals.authSession;
  if (session) await invalidateAuthSession(getDb(), session.id);
  clearSessionCookie(context.cookies, context.url);
  return '/?loggedout=1';
}

/** POST /me: change password, delete account, open or delete one of the person's stories. */
export async function handleMeAction(context: APIContext): Promise<AuthFormOutcome> {
  const user = context.locals.user;
  if (!user) return { kind: 'redirect', location: '/login?next=/me' };
  let values: Record<string, string> = {};
  try {
    const form = await readForm(context.request);
    const action = formText(form, 'action');
    const db = getDb();
    values = { action };
    const ownsStory = (id: number | null) => id !== null && listOwnContent(db, user.id).stories.some((s) => s.id === id);

    if (action === 'change-password') {
      await changePassword(db, user.id, formText(form, 'currentPassword'), formText(form, 'newPassword'));
      // Every session ended, this one too: start a fresh one so the person stays logged in here.
      await startSession(context, user.id);
      return { kind: 'redirect', location: '/me?password=changed' };
    }
    if (action === 'delete-account') {
      if (formText(form, 'confirm') !== user.username) {
        throw new ServiceError('invalid', 'Type your username to confirm.', 'confirm');
      }
      await deleteAccount(db, user.id, { keepContent: formText(form, 'content') === 'keep' });
      clearSessionCookie(context.cookies, context.url);
      context.cookies.delete(AUTHOR_COOKIE, { path: '/' });
      return { kind: 'redirect', location: '/?account=deleted' };
    }
    if (action === 'edit-story') {
      const id = parseId(formText(form, 'story'));
      if (!ownsStory(id)) throw new ServiceError('not_found', 'That story is not yours or no longer exists.');
      return { kind: 'redirect', location: `/manage/${rotateManageToken(db, id!)}` };
    }
    if (action === 'delete-story') {
      const id = parseId(formText(form, 'story'));
      if (!ownsStory(id)) throw new ServiceError('not_found', 'That story is not yours or no longer exists.');
      deleteStory(db, id!);
      return { kind: 'redirect', location: '/me?story=deleted' };
    }
    throw new ServiceError('invalid', 'That action is not known.');
  } catch (error) {
    return toForm(error, values);
  }
}
