/**
 * Form handlers for writing a story: /new (preview, redact, publish) and /manage/{token}
 * (edit, delete, disown). Each validates, calls one service and says where to go next.
 */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, submissionTokenIn } from '../server/http';
import { InvalidFields, ServiceError, isUniqueViolation } from '../server/errors';
import { clientKey, enforceRateLimit, rejectHoneypot } from '../server/abuse';
import { ensureActor, cookieOptions, currentAuthorIds } from '../server/visitor';
import {
  createStory,
  deleteStory,
  updateStory,
  disownStory,
  findStoryBySubmission,
  findRecentSameStory,
  isManageTokenFor,
  manageTokenForSubmission,
  PUBLICATION_DELAY_MAX_MS,
  type EarlierStory,
} from '../server/story-writes';
import { authorBelongsToUser } from '../server/authors';
import { addFollowUp } from '../server/follow-ups';
import { readStoryForm, validateStoryForm, type StoryFormValues, type CreateStoryInput } from '../lib/story-input';
import { applyRedaction } from '../lib/story-preview';
import { applyPasteFix } from '../lib/paste-help';
import { formAgain, formFailure, oneMessage, type FormOutcome } from './outcome';

const NEW_STORY_COOKIE = 'rop_new_story';
/** How long the private link is kept for the next page (and may be shown again to a resubmission). */
const NEW_STORY_LINK_SECONDS = 15 * 60;

/** Keeps a just-published story's private link for the story page, which shows it once. */
function rememberNewStory(context: APIContext, storyId: number, manageToken: string): void {
  context.cookies.set(NEW_STORY_COOKIE, `${storyId}.${manageToken}`, cookieOptions(context.url, NEW_STORY_LINK_SECONDS, '/stories'));
}

/** The story just published from this browser and its private link, as rememberNewStory() kept them; null when none. */
export function newStoryFlash(cookies: APIContext['cookies']): { storyId: number; manageToken: string } | null {
  const [id, manageToken] = (cookies.get(NEW_STORY_COOKIE)?.value ?? '').split('.');
  const storyId = Number(id);
  return Number.isInteger(storyId) && storyId > 0 && manageToken ? { storyId, manageToken } : null;
}

/** Forgets the private link once the story page has shown it. */
export function forgetNewStory(cookies: APIContext['cookies']): void {
  cookies.delete(NEW_STORY_COOKIE, { path: '/stories' });
}

/** What the story form shows besides the fields. */
export interface StoryFormExtra {
  /** Validated input to show as a preview, when the person asked for one. */
  preview?: CreateStoryInput | null;
  /** The form's one-time token, to render again so a corrected form still lands once. */
  submission?: string | null;
}

type StoryFormOutcome = FormOutcome<StoryFormValues, StoryFormExtra>;

/** The preview of changed values (after a redaction or a paste fix); 409 with a message when nothing could change. */
function previewAgain(values: StoryFormValues, conflict: string | null): StoryFormOutcome {
  const validation = validateStoryForm(values);
  return {
    ...formAgain(values, conflict ? 409 : 200),
    errors: validation.ok ? {} : validation.errors,
    preview: validation.ok ? validation.data : null,
    message: conflict,
  };
}

/** Preview, redaction, paste fixes and validation shared by the new-story and edit forms. */
function previewOrValidate(form: FormData, values: StoryFormValues): StoryFormOutcome | { kind: 'valid'; input: CreateStoryInput } {
  const intent = formText(form, 'intent');
  const redact = formText(form, 'redact');
  if (redact) {
    // One-click redaction: one detail everywhere it occurs, or all of them; then the preview again.
    const redacted = applyRedaction(values, redact);
    return previewAgain(redacted.values, redacted.ok ? null : 'That text changed since the preview, so nothing was replaced. Check the highlighted findings again.');
  }
  const fix = formText(form, 'fix');
  if (fix) {
    if (fix !== 'bullets' && fix !== 'code' && fix !== 'leftovers') throw new ServiceError('invalid', 'Choose one of the offered fixes.');
    return previewAgain({ ...values, body: applyPasteFix(values.body, fix) }, null);
  }
  const validation = validateStoryForm(values);
  if (!validation.ok) throw new InvalidFields('Some fields need another look — see the messages below.', validation.errors);
  if (intent === 'preview') return { ...formAgain(values), preview: validation.data };
  return { kind: 'valid', input: validation.data };
}

/** POST /new: preview, redact one finding, or publish. Publishing answers 303 to the story. */
export async function handleNewStory(context: APIContext): Promise<StoryFormOutcome> {
  let values = readStoryForm(new FormData());
  let submission: string | null = null;
  try {
    const form = await readForm(context.request);
    values = readStoryForm(form);
    submission = submissionTokenIn(form);
    rejectHoneypot(form);
    const key = clientKey(context);
    const checked = previewOrValidate(form, values);
    if (checked.kind !== 'valid') {
      if (checked.kind === 'form' && checked.preview) await enforceRateLimit('preview', key);
      return checked.kind === 'form' ? { ...checked, submission } : checked;
    }
    const db = await getDb();
    // The same form sent again (back then Publish, a double click, a retry) leads to the first story.
    const earlier = submission ? await findStoryBySubmission(db, submission) : null;
    if (earlier) return await resubmittedStory(context, earlier, values, submission);
    // A fresh copy of the form (Back reloads it) still holding the very story this person just published.
    const same = await findRecentSameStory(db, await currentAuthorIds(db, context), checked.input);
    if (same) return await resubmittedStory(context, same, values, null);
    await enforceRateLimit('post-story', key);
    const actor = await ensureActor(db, context);
    let created: Awaited<ReturnType<typeof createStory>>;
    try {
      created = await createStory(db, checked.input, { authorId: actor.authorId, submission });
    } catch (error) {
      // Two copies of the form at once (another process won the race): the unique token decides.
      const winner = submission && isUniqueViolation(error) ? await findStoryBySubmission(db, submission) : null;
      if (winner) return await resubmittedStory(context, winner, values, submission);
      throw error;
    }
    // The private manage link is shown once, on the next page, then forgotten.
    rememberNewStory(context, created.id, created.manageToken);
    return { kind: 'redirect', location: created.url };
  } catch (error) {
    return formFailure(error, values, { preview: null, submission });
  }
}

/**
 * The answer to a form that already published a story: the story itself. When the first answer
 * may never have arrived (a double click cancels it), the private link is shown again for a short
 * while: it is derived from the form token, which only the browser that was given the form holds.
 * A story still waiting for its delayed publication cannot be shown without that link, so then
 * the form says what happened instead.
 */
async function resubmittedStory(context: APIContext, earlier: EarlierStory, values: StoryFormValues, submission: string | null): Promise<StoryFormOutcome> {
  let linkShown = false;
  if (submission) {
    const manageToken = manageTokenForSubmission(submission);
    const recent = Date.now() - earlier.createdAt < NEW_STORY_LINK_SECONDS * 1000;
    // Not after /me issued a fresh link (the derived one no longer works then).
    if (recent && await isManageTokenFor(await getDb(), earlier.id, manageToken)) {
      rememberNewStory(context, earlier.id, manageToken);
      linkShown = true;
    }
  }
  if (!linkShown && earlier.publishedAt > Date.now()) {
    return {
      ...formAgain(values, 409),
      preview: null,
      message: `You already published this story, so it was not sent twice. It appears at the random time you chose, within ${PUBLICATION_DELAY_MAX_MS / 3_600_000} hours; the private link shown then still manages it.`,
      submission,
    };
  }
  return { kind: 'redirect', location: `${earlier.url}?again=1` };
}

/** POST /manage/{token} to save an edit (or preview it). */
export async function handleEditStory(context: APIContext, storyId: number): Promise<StoryFormOutcome> {
  let values = readStoryForm(new FormData());
  try {
    const form = await readForm(context.request);
    values = readStoryForm(form);
    rejectHoneypot(form);
    const key = clientKey(context);
    const checked = previewOrValidate(form, values);
    if (checked.kind !== 'valid') {
      // Previews render Markdown and scan for identifying details: as costly as on /new, same limit.
      if (checked.kind === 'form' && checked.preview) await enforceRateLimit('preview', key);
      return checked;
    }
    await enforceRateLimit('edit-story', key);
    const { url } = await updateStory(await getDb(), storyId, checked.input);
    return { kind: 'redirect', location: `${url}?edited=1` };
  } catch (error) {
    return formFailure(error, values, { preview: null });
  }
}

/** POST /manage/{token}?do=follow-up: the author adds an update under the story. */
export async function handleFollowUp(context: APIContext, storyId: number): Promise<FormOutcome<{ followUp: string }>> {
  const values = { followUp: '' };
  try {
    const form = await readForm(context.request);
    values.followUp = formText(form, 'followUp');
    rejectHoneypot(form);
    await enforceRateLimit('comment', clientKey(context));
    await addFollowUp(await getDb(), storyId, values.followUp);
    return { kind: 'redirect', location: `${context.url.pathname}?followup=added#follow-ups` };
  } catch (error) {
    // The small form has one place for a message, beside its one field.
    return oneMessage(formFailure(error, values));
  }
}

/** POST /manage/{token}?do=manage with action=delete: needs the confirmation box. */
export async function handleDeleteStory(context: APIContext, storyId: number): Promise<FormOutcome<object>> {
  try {
    const form = await readForm(context.request);
    if (formText(form, 'confirm') !== 'yes') throw new ServiceError('invalid', 'Tick “Yes, delete my story for good” to confirm.');
    await deleteStory(await getDb(), storyId);
    return { kind: 'redirect', location: '/?deleted=1' };
  } catch (error) {
    return formFailure(error, {});
  }
}

/** POST /manage/{token}?do=manage with action=disown: only for the account the story is linked to. */
export async function handleDisownStory(context: APIContext, storyId: number, storyAuthorId: number | null): Promise<FormOutcome<object>> {
  try {
    const user = context.locals.user;
    if (!user) throw new ServiceError('forbidden', 'Log in to the account this story belongs to, then disown it.');
    const db = await getDb();
    if (!await authorBelongsToUser(db, storyAuthorId, user.id)) {
      throw new ServiceError('forbidden', 'This story is not linked to your account, so there is nothing to disown.');
    }
    await disownStory(db, storyId);
    return { kind: 'redirect', location: `${context.url.pathname}?disowned=1` };
  } catch (error) {
    return formFailure(error, {});
  }
}
