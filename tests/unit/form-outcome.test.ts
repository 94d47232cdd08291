/** The one form outcome, the one error mapping and the one POST helper every form goes through. */
import { describe, expect, it } from 'vitest';
import type { APIContext } from 'astro';
import { answerPost, formFailure, intentField, oneMessage, plainAnswer, type FormOutcome } from '../../src/actions/outcome';
import { BUSY_RETRY_AFTER_SECONDS, InvalidFields, ServiceError } from '../../src/server/errors';
import { formText, readForm } from '../../src/server/http';

const typed = { title: 'The night the cache forgot', body: 'It was a Friday.' };

describe('formFailure', () => {
  it('keeps what was typed and puts a field’s message beside its field, not above the form', () => {
    const shown = formFailure(new ServiceError('invalid', 'Give the story a title.', 'title'), typed);
    expect(shown).toMatchObject({ kind: 'form', status: 400, values: typed, errors: { title: 'Give the story a title.' }, message: null });
  });

  it('shows a whole form’s validation as one message above and one beside each field', () => {
    const shown = formFailure(new InvalidFields('Some fields need another look.', { title: 'Too short.', body: 'Too long.' }), typed);
    expect(shown).toMatchObject({ status: 400, message: 'Some fields need another look.', errors: { title: 'Too short.', body: 'Too long.' }, values: typed });
  });

  it('answers each expected failure with its status, and a wait with Retry-After', () => {
    const cases: [ServiceError, number][] = [
      [new ServiceError('forbidden', 'Only moderators can do that.'), 403],
      [new ServiceError('not_found', 'That comment no longer exists.'), 404],
      [new ServiceError('conflict', 'Already there.'), 409],
      [new ServiceError('too_large', 'That was more than 64 KB.'), 413],
      [new ServiceError('rate_limited', 'Please wait a few minutes.', undefined, 120), 429],
    ];
    for (const [error, status] of cases) {
      const shown = formFailure(error, typed);
      expect(shown.status, error.code).toBe(status);
      expect(shown.message).toBe(error.message);
      expect(shown.values).toBe(typed);
    }
    expect(formFailure(cases[4][0], typed).retryAfterSeconds).toBe(120);
  });

  it('answers a busy database with 503, Retry-After and the text kept', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const shown = formFailure(busy, typed);
    expect(shown).toMatchObject({ status: 503, values: typed, retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });
    expect(shown.message).toMatch(/nothing was saved yet/);
  });

  it('answers an unreachable libSQL primary with 503 and says reading still works', () => {
    const down = new Error('Failed query', { cause: new Error('WriteDelegation(status: Unavailable, message: "connection refused")') });
    const shown = formFailure(down, typed);
    expect(shown.status).toBe(503);
    expect(shown.message).toMatch(/cannot reach its database server.*Reading still works/);
  });

  it('rethrows anything unexpected, so it reaches the 500 page and the log, never the person', () => {
    const bug = new TypeError('x is undefined');
    expect(() => formFailure(bug, typed)).toThrow(bug);
  });

  it('carries what one form shows besides, such as which small form the message belongs to', () => {
    const shown = oneMessage(formFailure(new ServiceError('invalid', 'Write something before posting.', 'body'), { body: '' }, { form: 'reply-12' }));
    expect(shown).toMatchObject({ form: 'reply-12', message: 'Write something before posting.', errors: { body: 'Write something before posting.' } });
  });
});

/** Just what answerPost uses of a page's Astro global. */
function page(method: string, body = '', headers: Record<string, string> = {}, path = '/p') {
  const url = new URL(`http://site.test${path}`);
  const request = new Request(url, method === 'GET' ? { method } : { method, body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const response = { status: 200, headers: new Headers() };
  const context = {
    request,
    url,
    response,
    redirect: (location: string, status: number) => new Response(null, { status, headers: { location } }),
  } as unknown as APIContext;
  return { context, response };
}

const saved = async (): Promise<FormOutcome<{ note: string }>> => ({ kind: 'redirect', location: '/done' });
const limited = async (): Promise<FormOutcome<{ note: string }>> => formFailure(new ServiceError('rate_limited', 'Slow down.', undefined, 30), { note: 'typed' });

describe('answerPost', () => {
  it('does nothing for a GET, so the page renders its first view', async () => {
    const { context, response } = page('GET');
    expect(await answerPost(context, { save: saved })).toBeNull();
    expect(response.status).toBe(200);
  });

  it('answers a success with 303 to where the action says (POST/Redirect/GET)', async () => {
    const answered = await answerPost(page('POST', 'note=x').context, { save: saved });
    expect(answered).toBeInstanceOf(Response);
    expect((answered as Response).status).toBe(303);
    expect((answered as Response).headers.get('location')).toBe('/done');
  });

  it('sets the status and Retry-After and hands the form, with what was typed, to the page', async () => {
    const { context, response } = page('POST', 'note=typed');
    const answered = await answerPost(context, { save: limited });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(answered).toMatchObject({ kind: 'form', intent: 'save', values: { note: 'typed' }, message: 'Slow down.' });
  });

  it('runs the action the form names, and says which one answered', async () => {
    const ran: string[] = [];
    const actions = {
      first: async (): Promise<FormOutcome<object>> => (ran.push('first'), { kind: 'redirect', location: '/1' }),
      second: async (): Promise<FormOutcome<object>> => (ran.push('second'), formFailure(new ServiceError('invalid', 'No.'), {})),
    };
    const answered = await answerPost(page('POST', 'action=second').context, actions, intentField('action'));
    expect(ran).toEqual(['second']);
    expect(answered).toMatchObject({ intent: 'second', status: 400, message: 'No.' });
  });

  it('answers a form that names no known action with 400 and a message, running nothing', async () => {
    let ran = false;
    const { context, response } = page('POST', 'action=launch-rockets');
    const save = async (): Promise<FormOutcome<object>> => {
      ran = true;
      return { kind: 'redirect', location: '/' };
    };
    const answered = await answerPost(context, { save }, intentField('action'));
    expect(ran).toBe(false);
    expect(response.status).toBe(400);
    expect(answered).toMatchObject({ intent: null, message: 'That action is not known. Please use the buttons on the page.' });
  });

  it('answers a form it cannot read with the reason', async () => {
    const { context, response } = page('POST', '{"a":1}', { 'content-type': 'application/json' });
    const answered = await answerPost(context, { save: saved }, intentField('intent'));
    expect(response.status).toBe(400);
    expect(answered).toMatchObject({ intent: null, message: 'Send this form as a normal web form.' });
  });

  it('lets the action read the form the page already looked at to choose it', async () => {
    let note = '';
    const read = async (context: APIContext): Promise<FormOutcome<object>> => {
      note = formText(await readForm(context.request), 'note');
      return { kind: 'redirect', location: '/' };
    };
    await answerPost(page('POST', 'intent=save&note=hello').context, { save: read }, intentField('intent'));
    expect(note).toBe('hello');
  });

  it('gives the problem as JSON to a page’s script that asked for JSON', async () => {
    const answered = await answerPost(page('POST', 'note=x', { accept: 'application/json' }).context, { save: limited });
    expect(answered).toBeInstanceOf(Response);
    expect((answered as Response).status).toBe(429);
    expect((answered as Response).headers.get('retry-after')).toBe('30');
    expect(await (answered as Response).json()).toEqual({ error: 'Slow down.' });
  });

  it('answers an endpoint’s problem as text with its status', async () => {
    const answered = plainAnswer(await answerPost(page('POST', 'note=x').context, { save: limited }));
    expect(answered.status).toBe(429);
    expect(await answered.text()).toBe('Slow down.');
  });
});
