/**
 * Form handlers for accounts: register, log in, log out, change password, delete account, and
 * the story shortcuts on /me. Failed logins are limited per address and per (address, username).
 * A browser's anonymous posts join an account only when the person asks; logging out forgets them.
 */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, parseId } from '../server/http';
import { ServiceError } from '../server/errors';
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
import { formFailure, type FormOutcome } from './outcome';

/** What the account forms keep: the fields typed (never a password). */
export type AuthValues = Record<string, string>;
type AuthOutcome = FormOutcome<AuthValues>;

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

export async function handleRegister(context: APIContext): Promise<AuthOutcome> {
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
    return formFailure(error, values);
  }
}

const LOGIN_FAILED = 'That username and password do not match. Check both and try again.';

export async function handleLogin(context: APIContext): Promise<AuthOutcome> {
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
    return formFailure(error, values);
  }
}

export async function handleLogout(context: APIContext): Promise<AuthOutcome> {
  const session = context.locals.authSession;
  if (session) await invalidateAuthSession(await getDb(), session.id);
  clearSessionCookie(context.cookies, context.url);
  // A shared computer: the next person must not post, delete or link as this browser's writer.
  forgetAuthorKey(context);
  return { kind: 'redirect', location: '/logout?done=1' };
}

type Person = NonNullable<APIContext['locals']['user']>;

/**
 * One of the forms on /me, for the person logged in (anyone else is sent to log in). `values` are
 * filled as the form is read, so a failure keeps what was typed.
 */
function meAction(run: (context: APIContext, user: Person, form: FormData, values: AuthValues) => Promise<AuthOutcome>) {
  return async (context: APIContext): Promise<AuthOutcome> => {
    const user = context.locals.user;
    if (!user) return { kind: 'redirect', location: '/login?next=/me' };
    const values: AuthValues = {};
    try {
      const form = await readForm(context.request);
      values.action = formText(form, 'action');
      return await run(context, user, form, values);
    } catch (error) {
      return formFailure(error, values);
    }
  };
}

/** The story id a /me form names, when it is one of the person's own stories. */
async function ownStoryId(userId: string, form: FormData): Promise<number> {
  const id = parseId(formText(form, 'story'));
  const own = id !== null && (await listOwnContent(await getDb(), userId)).stories.some((s) => s.id === id);
  if (!own) throw new ServiceError('not_found', 'That story is not yours or no longer exists.');
  return id;
}

/** The forms on /me, by their `action` field: link this browser's posts, password, account, own stories. */
export const meActions = {
  'link-browser-posts': meAction(async (context, user) => {
    const linked = await adoptBrowserAuthor(await getDb(), context, user.id);
    return { kind: 'redirect', location: linked ? '/me?linked=1' : '/me' };
  }),
  'change-password': meAction(async (context, user, form) => {
    await changePassword(await getDb(), user.id, formText(form, 'currentPassword'), formText(form, 'newPassword'));
    // Every session ended, this one too: start a fresh one so the person stays logged in here.
    await startSession(context, user.id);
    return { kind: 'redirect', location: '/me?password=changed' };
  }),
  'delete-account': meAction(async (context, user, form) => {
    if (formText(form, 'confirm') !== user.username) {
      throw new ServiceError('invalid', 'Type your username to confirm.', 'confirm');
    }
    await deleteAccount(await getDb(), user.id, { keepContent: formText(form, 'content') === 'keep' });
    clearSessionCookie(context.cookies, context.url);
    context.cookies.delete(AUTHOR_COOKIE, { path: '/' });
    return { kind: 'redirect', location: '/?account=deleted' };
  }),
  'edit-story': meAction(async (_context, user, form) => {
    const id = await ownStoryId(user.id, form);
    return { kind: 'redirect', location: `/manage/${await rotateManageToken(await getDb(), id)}` };
  }),
  'follow-up': meAction(async (context, user, form, values) => {
    values.story = String(parseId(formText(form, 'story')) ?? '');
    values.followUp = formText(form, 'followUp');
    const id = await ownStoryId(user.id, form);
    await enforceRateLimit('comment', clientKey(context));
    await addFollowUp(await getDb(), id, values.followUp);
    return { kind: 'redirect', location: `/me?followup=added#story-${id}` };
  }),
  'delete-story': meAction(async (_context, user, form) => {
    const id = await ownStoryId(user.id, form);
    await deleteStory(await getDb(), id);
    return { kind: 'redirect', location: '/me?story=deleted' };
  }),
};
