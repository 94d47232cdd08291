/** Form handlers for /mod. Moderators only: everyone else gets a 403 before anything is read. */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, parseId } from '../server/http';
import { ServiceError, formProblem } from '../server/errors';
import { clientKey, enforceRateLimit } from '../server/abuse';
import { decide, redactContent, DECISIONS, type Decision } from '../server/moderation';

export type ModOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'error'; status: number; message: string; retryAfterSeconds?: number };

export async function handleModerationPost(context: APIContext): Promise<ModOutcome> {
  if (context.locals.user?.role !== 'moderator') return { kind: 'error', status: 403, message: 'Only moderators can do that.' };
  try {
    const form = await readForm(context.request);
    await enforceRateLimit('mod-action', clientKey(context));
    const targetType = formText(form, 'targetType') === 'comment' ? 'comment' : 'story';
    const targetId = parseId(formText(form, 'targetId'));
    if (!targetId) throw new ServiceError('invalid', 'Give the id of the story or comment.');
    const db = await getDb();
    if (formText(form, 'intent') === 'redact') {
      await redactContent(db, { targetType, targetId, title: formText(form, 'title') || undefined, body: formText(form, 'body'), note: formText(form, 'note') });
      return { kind: 'redirect', location: '/mod?done=redact' };
    }
    const decision = formText(form, 'decision') as Decision;
    if (!DECISIONS.includes(decision)) throw new ServiceError('invalid', 'Choose dismiss, hide, restore or delete.');
    await decide(db, { targetType, targetId, decision, note: formText(form, 'note') });
    return { kind: 'redirect', location: `/mod?done=${decision}` };
  } catch (caught) {
    const { status, message, retryAfterSeconds } = formProblem(caught);
    return { kind: 'error', status, message, retryAfterSeconds };
  }
}
