/**
 * Form handlers on a story page: "been there", "helpful", comments and replies, deleting one's
 * own comment, and reports. Success answers 303 (POST/Redirect/GET); failures re-render the page
 * with a message beside the form and what was typed kept.
 */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, parseId, submissionTokenIn } from '../server/http';
import { ServiceError } from '../server/errors';
import { clientKey, enforceRateLimit, rejectHoneypot } from '../server/abuse';
import { ensureActor, currentAuthorIds } from '../server/visitor';
import { toggleBeenThere, toggleHelpful } from '../server/reactions';
import { addComment, deleteOwnComment, editOwnComment, previewComment, findCommentBySubmission, findRecentSameComment } from '../server/comments';
import { setMuted } from '../server/mutes';
import { fileReport } from '../server/moderation';
import { safeReturnPath } from '../lib/labels';
import { LIMITS } from '../lib/limits';
import { cleanText } from '../lib/story-input';
import { hasVisibleText, invisibleTextMessage } from '../lib/visible-text';
import { formAgain, formFailure, oneMessage, wantsJson, type FormAgain, type FormOutcome, type IntentOf } from './outcome';

/** What the story page's small forms keep: a comment's text or a report's reason. */
export interface StoryPageValues {
  body?: string;
  reason?: string;
}

/** What the story page shows besides: a comment rendered for "Preview" (nothing saved). */
export interface StoryPageExtra {
  /** Which form the message belongs to: 'comment' (top level), 'reply-{id}', 'edit-{id}', 'report-...', 'page'. */
  form: string;
  previewHtml?: string;
}

/** A story page form shown again, as the page renders it: one message ('' for none) beside the form it belongs to. */
export type StoryPageFormState = Omit<FormAgain<StoryPageValues>, 'message'> & StoryPageExtra & { message: string };
type StoryPageOutcome = FormOutcome<StoryPageValues, StoryPageExtra>;

interface StoryRef {
  id: number;
  url: string;
}

/** Validates a comment body the way the form explains it. */
function commentBody(raw: string): string {
  const body = cleanText(raw);
  if (body.length < LIMITS.commentMin) throw new ServiceError('invalid', 'Write something before posting.', 'body');
  if (!hasVisibleText(body)) throw new ServiceError('invalid', invisibleTextMessage('The comment'), 'body');
  if (body.length > LIMITS.commentMax) {
    throw new ServiceError('invalid', `Keep comments under ${LIMITS.commentMax.toLocaleString('en')} characters.`, 'body');
  }
  return body;
}

/** Re-shows the form with the comment rendered as it would be saved, and the text kept. */
function preview(form: string, values: StoryPageValues, body: string): StoryPageOutcome {
  return { ...formAgain(values), form, previewHtml: previewComment(body) };
}

/** What one form on the page names while it is read: which form it is and what was typed. */
interface Reading {
  form: string;
  values: StoryPageValues;
}

/**
 * One form on the story page. A failure is shown beside the form it came from, with what was
 * typed; a missing target has no form of its own on the page, so its message goes to the top.
 */
function storyPageAction(run: (context: APIContext, form: FormData, reading: Reading) => Promise<StoryPageOutcome>) {
  return async (context: APIContext): Promise<StoryPageOutcome> => {
    const reading: Reading = { form: 'page', values: {} };
    try {
      return await run(context, await readForm(context.request), reading);
    } catch (error) {
      const shown = oneMessage(formFailure(error, reading.values, { form: reading.form }));
      return shown.status === 404 ? { ...shown, form: 'page' } : shown;
    }
  };
}

/** Tells the story page's forms apart: a reaction button, else the form's `intent`. */
export const storyPageIntent: IntentOf = (form) => (formText(form, 'reaction') ? 'react' : formText(form, 'intent'));

/** Every form on /stories/{id}-{slug}, by intent. Success answers 303 (or JSON for the reaction buttons' script). */
export function storyPageActions(story: StoryRef) {
  return {
    react: storyPageAction(async (context, form) => {
      const reaction = formText(form, 'reaction');
      if (reaction !== 'been-there' && reaction !== 'helpful') throw new ServiceError('invalid', 'That action is not known. Please use the buttons on the page.');
      const db = await getDb();
      await enforceRateLimit('react', clientKey(context));
      const actor = await ensureActor(db, context);
      // The state the button asked for ("want"), so a form sent twice does not take itself back.
      const asked = formText(form, 'want');
      const want = asked === 'on' ? true : asked === 'off' ? false : undefined;
      const result =
        reaction === 'been-there'
          ? await toggleBeenThere(db, story.id, actor.authorId, Date.now(), want)
          : await toggleHelpful(db, story.id, parseId(formText(form, 'lesson')) ?? -1, actor.authorId, Date.now(), want);
      // A small island may ask for JSON to update the count without a reload.
      if (wantsJson(context.request)) return { kind: 'json', status: 200, body: result };
      return { kind: 'redirect', location: reaction === 'helpful' ? `${story.url}#lessons` : safeReturnPath(formText(form, 'return'), story.url) };
    }),

    comment: storyPageAction(async (context, form, reading) => {
      const db = await getDb();
      const parentId = parseId(formText(form, 'parent'));
      reading.form = parentId ? `reply-${parentId}` : 'comment';
      reading.values = { body: formText(form, 'body') };
      rejectHoneypot(form);
      const body = commentBody(reading.values.body ?? '');
      if (formText(form, 'preview')) return preview(reading.form, reading.values, body);
      // The same form sent again (back, a double click, a retry) leads to the comment it added.
      const submission = submissionTokenIn(form);
      const earlier =
        (submission ? await findCommentBySubmission(db, story.id, submission, body) : null) ??
        await findRecentSameComment(db, await currentAuthorIds(db, context), { storyId: story.id, parentId, body });
      if (earlier) return { kind: 'redirect', location: `${story.url}#c${earlier.id}` };
      await enforceRateLimit('comment', clientKey(context));
      const actor = await ensureActor(db, context);
      const { id } = await addComment(db, { storyId: story.id, parentId, body, actor, submission });
      return { kind: 'redirect', location: `${story.url}#c${id}` };
    }),

    'edit-comment': storyPageAction(async (context, form, reading) => {
      const commentId = parseId(formText(form, 'comment'));
      reading.form = `edit-${commentId}`;
      reading.values = { body: formText(form, 'body') };
      const body = commentBody(reading.values.body ?? '');
      if (formText(form, 'preview')) return preview(reading.form, reading.values, body);
      await enforceRateLimit('comment', clientKey(context));
      const db = await getDb();
      const actor = await ensureActor(db, context);
      await editOwnComment(db, commentId ?? -1, actor, body);
      return { kind: 'redirect', location: `${story.url}#c${commentId}` };
    }),

    mute: storyPageAction(async (context, form) => mute(context, form, story, true)),
    unmute: storyPageAction(async (context, form) => mute(context, form, story, false)),

    'delete-comment': storyPageAction(async (context, form, reading) => {
      const commentId = parseId(formText(form, 'comment'));
      reading.form = `delete-${commentId}`;
      const db = await getDb();
      const actor = await ensureActor(db, context);
      await deleteOwnComment(db, commentId ?? -1, actor);
      return { kind: 'redirect', location: `${story.url}#comments` };
    }),

    report: storyPageAction(async (context, form, reading) => {
      const targetType = formText(form, 'targetType') === 'comment' ? 'comment' : 'story';
      const targetId = targetType === 'story' ? story.id : parseId(formText(form, 'targetId'));
      reading.form = `report-${targetType}-${targetId}`;
      reading.values = { reason: formText(form, 'reason') };
      rejectHoneypot(form);
      await enforceRateLimit('report', clientKey(context));
      await fileReport(await getDb(), { storyId: story.id, targetType, targetId: targetId ?? -1, reason: reading.values.reason ?? '' });
      return { kind: 'redirect', location: `${story.url}?reported=1#${targetType === 'comment' ? `c${targetId}` : 'report'}` };
    }),
  };
}

/** Only the reader's cookie changes: nothing about muting is stored on the server. */
async function mute(context: APIContext, form: FormData, story: StoryRef, muted: boolean): Promise<StoryPageOutcome> {
  setMuted(context.cookies, context.url, story.id, formText(form, 'pseudonym'), muted);
  const back = safeReturnPath(formText(form, 'return'), story.url);
  return { kind: 'redirect', location: back.includes('#') ? back : `${back}#comments` };
}
