/**
 * What every form handler answers, and how a page answers it: one shape for all POST handlers.
 *
 * An action returns a FormOutcome: go elsewhere (303, POST/Redirect/GET, so a reload never posts
 * twice), JSON for a page's small script, or the form again with a status, a message, messages
 * beside fields and what the person typed. Expected failures become that last one in one place,
 * formFailure(); a page hands its actions to answerPost(), which does the HTTP part.
 */
import type { APIContext } from 'astro';
import { InvalidFields, ServiceError, busyAsServiceError, httpStatusFor } from '../server/errors';
import { formText, readForm } from '../server/http';

/** Messages beside fields, by field name. */
export type FieldMessages = Partial<Record<string, string>>;

/** The form shown again, keeping what was typed. */
export interface FormAgain<Values> {
  kind: 'form';
  status: number;
  /** What the person typed, to fill the form again. */
  values: Values;
  errors: FieldMessages;
  /** A message about the form as a whole, or null. */
  message: string | null;
  /** Seconds until the person may try again (the Retry-After header): 429 and 503. */
  retryAfterSeconds?: number;
  /** On a page of many small forms: the one this answer belongs beside ('comment', 'reply-12'). */
  form?: string;
}

/** What an action answers. `Extra` is what one form shows besides (a preview, its one-time token). */
export type FormOutcome<Values, Extra extends object = object> =
  | { kind: 'redirect'; location: string }
  | { kind: 'json'; status: number; body: unknown; retryAfterSeconds?: number }
  | (FormAgain<Values> & Extra);

/** The form again without a problem: a preview, or a page's first view. */
export function formAgain<Values>(values: Values, status = 200): FormAgain<Values> {
  return { kind: 'form', status, values, errors: {}, message: null };
}

/**
 * The one mapping from an error to a form's answer, for every POST handler: a ServiceError keeps
 * its status (invalid 400 with the messages beside their fields, forbidden 403, not found 404,
 * rate limited 429 and a busy or unreachable database 503, both with Retry-After), and the form
 * keeps what was typed. Anything else is rethrown, to reach the 500 page and the log, never the person.
 */
export function formFailure<Values, Extra extends object = object>(error: unknown, values: Values, extra?: Extra): FormAgain<Values> & Extra {
  const explained = busyAsServiceError(error);
  if (!(explained instanceof ServiceError)) throw explained;
  const field = explained.field;
  return {
    kind: 'form',
    status: httpStatusFor(explained.code),
    values,
    errors: explained instanceof InvalidFields ? explained.fields : field ? { [field]: explained.message } : {},
    // A message that belongs beside its field is not repeated above the form.
    message: field ? null : explained.message,
    retryAfterSeconds: explained.retryAfterSeconds,
    ...(extra as Extra),
  };
}

/** A field's message as the one message of its form, for pages whose small forms show only one. */
export function oneMessage<Values, Extra extends object>(outcome: FormAgain<Values> & Extra): FormAgain<Values> & Extra {
  if (outcome.message) return outcome;
  const first = Object.values(outcome.errors).find(Boolean) ?? null;
  return { ...outcome, message: first };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Action = (context: APIContext) => Promise<FormOutcome<any, any>>;
type Actions = Record<string, Action>;
type Shown<O> = Extract<O, { kind: 'form' }>;

/** The form an action showed again, with the intent that ran it (which of the page's forms). */
export type Answered<A extends Actions> = { [K in keyof A & string]: Shown<Awaited<ReturnType<A[K]>>> & { intent: K } }[keyof A & string];

/** A post no action could take: its form could not be read, or it names no known intent. */
export type Unanswered = FormAgain<Record<string, never>> & { intent: null };

/** Chooses the action a posted form asks for (its `intent` field, a button's name, the URL). */
export type IntentOf = (form: FormData, url: URL) => string;

const UNKNOWN_INTENT = 'That action is not known. Please use the buttons on the page.';

/**
 * A page's POST handling, the same everywhere: nothing for a GET (null); for a POST, runs the
 * action the form asks for and answers its redirect (303) or JSON as a Response, which the page
 * returns; else sets the status (and Retry-After) and gives the form outcome for the page to render.
 * A page with one action passes just that; a page with several also says how to tell them apart.
 */
export async function answerPost<A extends Actions>(context: APIContext, actions: A): Promise<Response | Answered<A> | null>;
export async function answerPost<A extends Actions>(context: APIContext, actions: A, intentOf: IntentOf): Promise<Response | Answered<A> | Unanswered | null>;
export async function answerPost<A extends Actions>(context: APIContext, actions: A, intentOf?: IntentOf): Promise<Response | Answered<A> | Unanswered | null> {
  if (context.request.method !== 'POST') return null;
  let intent: string;
  if (intentOf) {
    try {
      intent = intentOf(await readForm(context.request), context.url);
    } catch (error) {
      return answer(context, { ...formFailure(error, {}), intent: null });
    }
    if (!Object.hasOwn(actions, intent)) {
      return answer(context, { ...formFailure(new ServiceError('invalid', UNKNOWN_INTENT), {}), intent: null });
    }
  } else {
    const names = Object.keys(actions);
    if (names.length !== 1) throw new Error('answerPost: a page with several actions must say how to tell them apart (intentOf).');
    intent = names[0];
  }
  const outcome = await actions[intent](context);
  if (outcome.kind === 'redirect') return context.redirect(outcome.location, 303);
  if (outcome.kind === 'json') return json(outcome.status, outcome.body, outcome.retryAfterSeconds);
  return answer(context, { ...outcome, intent } as Answered<A>);
}

/** Chooses by one field of the form: `intentField('action')`. */
export function intentField(name: string): IntentOf {
  return (form) => formText(form, name);
}

/** Whether a page's small script sent this form and asked for JSON (a success too answers JSON then). */
export function wantsJson(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('application/json');
}

function answer<O extends FormAgain<unknown>>(context: APIContext, outcome: O): O | Response {
  // A page's small script that asked for JSON gets the problem as JSON, with the same status.
  if (wantsJson(context.request)) {
    return json(outcome.status, { error: outcome.message ?? Object.values(outcome.errors).find(Boolean) ?? '' }, outcome.retryAfterSeconds);
  }
  const response = (context as APIContext & { response?: { status: number; headers: Headers } }).response;
  if (response) {
    response.status = outcome.status;
    if (outcome.retryAfterSeconds) response.headers.set('Retry-After', String(outcome.retryAfterSeconds));
  }
  return outcome;
}

function json(status: number, body: unknown, retryAfterSeconds?: number): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfterSeconds) headers['retry-after'] = String(retryAfterSeconds);
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * For an endpoint (no page to render the form on): the outcome as a plain-text answer with its
 * status, or the Response answerPost already made.
 */
export function plainAnswer(answered: Response | FormAgain<unknown> | null): Response {
  if (answered === null) return new Response('Send this form with POST.', { status: 405 });
  if (answered instanceof Response) return answered;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (answered.retryAfterSeconds) headers['retry-after'] = String(answered.retryAfterSeconds);
  return new Response(answered.message ?? Object.values(answered.errors).find(Boolean) ?? '', { status: answered.status, headers });
}
