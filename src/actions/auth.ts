/**
 * Form handlers for accounts: register, log in, log out, change password, delete account, and
 * the story shortcuts on /me. Failed logins are limited per address and per (address, username).
 * A browser's anonymous posts join an account only when the person asks; logging out forgets them.
 */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, parseId } from '../server/http';
import { ServiceError, formProblem } from '../server/errors';
import { clientKey, enforceRateLimit, rejectHoneypot } from '../server/abuse';
import { rateLimiter } from '../server/rate-limit';
import { authenticate, changePassword, deleteAccount, registerUser, listOwnContent } from '../server/accounts';
import { createAuthSession, setSessionCookie, clearSessionCookie, invalidateAuthSession } from '../server/auth/session';
import { AUTHOR_COOKIE } from '../server/authors';
import { ADOPT_FIELD, adoptBrowserAuthor, forgetAuthorKey } from '../server/visitor';
import { deleteStory, rotateManageToken } from '../server/story-writes';
import { addFollowUp } from '../server/follow-ups';
import { safeReturnPath } from '../lib/labels';
import { sha256Hex } from '../server/crypto';

export type AuthFormOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'form'; status: number; errors: Record<string, string>; values: Record<string, string>; message: string | null; retryAfterSeconds?: number };

function toForm(error: unknown, values: Record<string, string>): AuthFormOutcome {
  const problem = formProblem(error);
  return {
    kind: 'form',
    status: problem.status,
    errors: problem.field ? { [problem.field]: problem.message } : {},
    values,
    message: problem.field ? null : problem.message,
    retryAfterSeconds: problem.retryAfterSeconds,
  };
}

/** Links the browser's anonymous posts only when the person ticked the box: on a shared computer they may be someone else's. */
async function adoptIfAsked(context: APIContext, form: FormData, userId: string): Promise<boolean> {
  return formText(form, ADOPT_FIELD) === 'yes' && await adoptBrowserAuthor(await getDb(), context, userId);
}

async function startSession(context: APIContext, userId: string): Promise<void> {
  // A browser holds one session: the one its cookie is about to lose ends on the server too.
  const previous = context.locals.authSession;
  if (previous) await invalidateAuthSession(await getDb(), previous.id);
  const { token } = await createAuthSession(await getDb(), userId);
  setSessionCookie(context.cookies, context.url, token);
}

export async function handleRegister(context: APIContext): Promise<AuthFormOutcome> {
  let values: Record<string, string> = {};
  try {
    const form = await readForm(context.request);
    values = { username: formText(form, 'username'), [ADOPT_FIELD]: formText(form, ADOPT_FIELD) };
    rejectHoneypot(form);
    await enforceRateLimit('register', clientKey(context));
    const user = await registerUser(await getDb(), values.username, formText(form, 'password'));
    const linked = await adoptIfAsked(context, form, user.id);
    await startSession(context, user.id);
    return { kind: 'redirect', location: linked ? '/me?welcome=1&linked=1' : '/me?welcome=1' };
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
    values = { username: formText(form, 'username'), next: formText(form, 'next'), [ADOPT_FIELD]: formText(form, ADOPT_FIELD) };
    rejectHoneypot(form);
    const address = clientKey(context);
    await enforceRateLimit('login-ip', address);
    // Failed logins count per guesser (the hashed address) AND username, never per account alone:
    // a sprayer on other addresses then slows only themselves, and the owner on their own address
    // still gets in. Counted before the (slow) password check, so parallel guesses cannot all slip
    // past; a success clears the count, so in effect only failures add up. Hashed together, so the
    // stored key names neither the address nor the username.
    const userKey = sha256Hex(`${address}:${username}`);
    const userLimit = await rateLimiter.hit('login-user', userKey);
    if (!userLimit.ok) {
      throw new ServiceError('rate_limited', 'Too many failed attempts for this username. Please wait a few minutes and try again.', undefined, userLimit.retryAfterSeconds);
    }
    const user = await authenticate(await getDb(), username, formText(form, 'password'));
    if (!user) throw new ServiceError('invalid', LOGIN_FAILED);
    await rateLimiter.reset('login-user', userKey);
    const linked = await adoptIfAsked(context, form, user.id);
    await startSession(context, user.id);
    return { kind: 'redirect', location: safeReturnPath(values.next, linked ? '/me?linked=1' : '/me') };
  } catch (error) {
    return toForm(error, values);
  }
}

export async function handleLogout(context: APIContext): Promise<string> {
  const session = context.locals.authSession;
  if (session) await invalidateAuthSession(await getDb(), session.id);
  clearSessionCookie(context.cookies, context.url);
  // A shared computer: the next person must not post, delete or link as this browser's writer.
  forgetAuthorKey(context);
  return '/logout?done=1';
}

/** POST /me: change password, delete account, open or delete one of the person's stories. */
export async function handleMeAction(context: APIContext): Promise<AuthFormOutcome> {
  const user = context.locals.user;
  if (!user) return { kind: 'redirect', location: '/login?next=/me' };
  let values: Record<string, string> = {};
  try {
    const form = await readForm(context.request);
    const action = formText(form, 'action');
    const db = await getDb();
    values = { action };
    const ownsStory = async (id: number | null) => id !== null && (await listOwnContent(db, user.id)).stories.some((s) => s.id === id);

    if (action === 'link-browser-posts') {
      const linked = await adoptBrowserAuthor(db, context, user.id);
      return { kind: 'redirect', location: linked ? '/me?linked=1' : '/me' };
    }
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
      if (!(await ownsStory(id))) throw new ServiceError('not_found', 'That story is not yours or no longer exists.');
      return { kind: 'redirect', location: `/manage/${await rotateManageToken(db, id!)}` };
    }
    if (action === 'follow-up') {
      const id = parseId(formText(form, 'story'));
      values = { action, story: String(id ?? ''), followUp: formText(form, 'followUp') };
      if (!(await ownsStory(id))) throw new ServiceError('not_found', 'That story is not yours or no longer exists.');
      await enforceRateLimit('comment', clientKey(context));
      await addFollowUp(db, id!, values.followUp);
      return { kind: 'redirect', location: `/me?followup=added#story-${id}` };
    }
    if (action === 'delete-story') {
      const id = parseId(formText(form, 'story'));
      if (!(await ownsStory(id))) throw new ServiceError('not_found', 'That story is not yours or no longer exists.');
      await deleteStory(db, id!);
      return { kind: 'redirect', location: '/me?story=deleted' };
    }
    throw new ServiceError('invalid', 'That action is not known.');
  } catch (error) {
    return toForm(error, values);
  }
}
