/**
 * Form handlers on a story page: "been there", "helpful", comments and replies, deleting one's
 * own comment, and reports. Success answers 303 (POST/Redirect/GET); failures re-render the page
 * with a message beside the form and what was typed kept.
 */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, parseId, submissionTokenIn } from '../server/http';
import { ServiceError, formProblem } from '../server/errors';
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

export interface StoryPageFormState {
  /** Which form the message belongs to: 'comment' (top level), 'reply-{id}', 'report-...', 'page'. */
  form: string;
  status: number;
  message: string;
  values: { body?: string; reason?: string };
  retryAfterSeconds?: number;
  /** Rendered comment for "Preview" (nothing saved). */
  previewHtml?: string;
}

export type StoryPageOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'json'; body: unknown; status: number; retryAfterSeconds?: number }
  | { kind: 'form'; state: StoryPageFormState };

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
function preview(form: string, values: StoryPageFormState['values'], body: string): StoryPageOutcome {
  return { kind: 'form', state: { form, status: 200, message: '', values, previewHtml: previewComment(body) } };
}

/** Handles every POST to /stories/{id}-{slug}. */
export async function handleStoryPagePost(context: APIContext, story: { id: number; url: string }): Promise<StoryPageOutcome> {
  let formName = 'page';
  let values: StoryPageFormState['values'] = {};
  const wantsJson = (context.request.headers.get('accept') ?? '').includes('application/json');
  try {
    const form = await readForm(context.request);
    const db = await getDb();
    const key = clientKey(context);
    const reaction = formText(form, 'reaction');
    const intent = formText(form, 'intent');
    const back = safeReturnPath(formText(form, 'return'), story.url);

    if (reaction === 'been-there' || reaction === 'helpful') {
      await enforceRateLimit('react', key);
      const actor = await ensureActor(db, context);
      // The state the button asked for ("want"), so a form sent twice does not take itself back.
      const asked = formText(form, 'want');
      const want = asked === 'on' ? true : asked === 'off' ? false : undefined;
      const result =
        reaction === 'been-there'
          ? await toggleBeenThere(db, story.id, actor.authorId, Date.now(), want)
          : await toggleHelpful(db, story.id, parseId(formText(form, 'lesson')) ?? -1, actor.authorId, Date.now(), want);
      // A small island may ask for JSON to update the count without a reload.
      if (wantsJson) return { kind: 'json', status: 200, body: result };
      return { kind: 'redirect', location: reaction === 'helpful' ? `${story.url}#lessons` : back };
    }

    if (intent === 'comment') {
      const parentId = parseId(formText(form, 'parent'));
      formName = parentId ? `reply-${parentId}` : 'comment';
      values = { body: formText(form, 'body') };
      rejectHoneypot(form);
      const body = commentBody(values.body ?? '');
      if (formText(form, 'preview')) return preview(formName, values, body);
      // The same form sent again (back, a double click, a retry) leads to the comment it added.
      const submission = submissionTokenIn(form);
      const earlier =
        (submission ? await findCommentBySubmission(db, story.id, submission, body) : null) ??
        await findRecentSameComment(db, await currentAuthorIds(db, context), { storyId: story.id, parentId, body });
      if (earlier) return { kind: 'redirect', location: `${story.url}#c${earlier.id}` };
      await enforceRateLimit('comment', key);
      const actor = await ensureActor(db, context);
      const { id } = await addComment(db, { storyId: story.id, parentId, body, actor, submission });
      return { kind: 'redirect', location: `${story.url}#c${id}` };
    }

    if (intent === 'edit-comment') {
      const commentId = parseId(formText(form, 'comment'));
      formName = `edit-${commentId}`;
      values = { body: formText(form, 'body') };
      const body = commentBody(values.body ?? '');
      if (formText(form, 'preview')) return preview(formName, values, body);
      await enforceRateLimit('comment', key);
      const actor = await ensureActor(db, context);
      await editOwnComment(db, commentId ?? -1, actor, body);
      return { kind: 'redirect', location: `${story.url}#c${commentId}` };
    }

    if (intent === 'mute' || intent === 'unmute') {
      // Only the reader's cookie changes: nothing about muting is stored on the server.
      setMuted(context.cookies, context.url, story.id, formText(form, 'pseudonym'), intent === 'mute');
      return { kind: 'redirect', location: back.includes('#') ? back : `${back}#comments` };
    }

    if (intent === 'delete-comment') {
      const commentId = parseId(formText(form, 'comment'));
      formName = `delete-${commentId}`;
      const actor = await ensureActor(db, context);
      await deleteOwnComment(db, commentId ?? -1, actor);
      return { kind: 'redirect', location: `${story.url}#comments` };
    }

    if (intent === 'report') {
      const targetType = formText(form, 'targetType') === 'comment' ? 'comment' : 'story';
      const targetId = targetType === 'story' ? story.id : parseId(formText(form, 'targetId'));
      formName = `report-${targetType}-${targetId}`;
      values = { reason: formText(form, 'reason') };
      rejectHoneypot(form);
      await enforceRateLimit('report', key);
      await fileReport(db, { storyId: story.id, targetType, targetId: targetId ?? -1, reason: values.reason ?? '' });
      return { kind: 'redirect', location: `${story.url}?reported=1#${targetType === 'comment' ? `c${targetId}` : 'report'}` };
    }

    throw new ServiceError('invalid', 'That action is not known. Please use the buttons on the page.');
  } catch (caught) {
    const { code, status, message, retryAfterSeconds } = formProblem(caught);
    if (wantsJson) return { kind: 'json', status, body: { error: message }, retryAfterSeconds };
    // A missing target has no form of its own on the page to show the message beside.
    const form = code === 'not_found' ? 'page' : formName;
    return { kind: 'form', state: { form, status, message, values, retryAfterSeconds } };
  }
}
