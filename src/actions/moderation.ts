/** Form handlers for /mod. Moderators only: everyone else gets a 403 before anything is read. */
import type { APIContext } from 'astro';
import { getDb } from '../server/db';
import { readForm, formText, parseId } from '../server/http';
import { ServiceError } from '../server/errors';
import { clientKey, enforceRateLimit } from '../server/abuse';
import { decide, redactContent, DECISIONS, type Decision } from '../server/moderation';
import { formFailure, oneMessage, type FormOutcome } from './outcome';

/** What the moderation forms keep when they fail: the target and note typed. */
export interface ModValues {
  targetType: string;
  targetId: string;
  note: string;
}

type ModOutcome = FormOutcome<ModValues>;

/**
 * A form on /mod: checks the role first, limits the rate, and reads the target every form names.
 * `values` keeps what was typed for the answer when it fails.
 */
function modAction(run: (form: FormData, target: { targetType: 'story' | 'comment'; targetId: number }) => Promise<ModOutcome>) {
  return async (context: APIContext): Promise<ModOutcome> => {
    let values: ModValues = { targetType: '', targetId: '', note: '' };
    try {
      if (context.locals.user?.role !== 'moderator') throw new ServiceError('forbidden', 'Only moderators can do that.');
      const form = await readForm(context.request);
      values = { targetType: formText(form, 'targetType'), targetId: formText(form, 'targetId'), note: formText(form, 'note') };
      await enforceRateLimit('mod-action', clientKey(context));
      const targetType = values.targetType === 'comment' ? 'comment' : 'story';
      const targetId = parseId(values.targetId);
      if (!targetId) throw new ServiceError('invalid', 'Give the id of the story or comment.');
      return await run(form, { targetType, targetId });
    } catch (error) {
      // The page shows one message above its forms, a field's too.
      return oneMessage(formFailure(error, values));
    }
  };
}

/** The forms on /mod: a decision on a story or comment, or its text redacted. */
export const moderationActions = {
  decide: modAction(async (form, target) => {
    const decision = formText(form, 'decision') as Decision;
    if (!DECISIONS.includes(decision)) throw new ServiceError('invalid', 'Choose dismiss, hide, restore or delete.');
    await decide(await getDb(), { ...target, decision, note: formText(form, 'note') });
    return { kind: 'redirect', location: `/mod?done=${decision}` };
  }),
  redact: modAction(async (form, target) => {
    await redactContent(await getDb(), { ...target, title: formText(form, 'title') || undefined, body: formText(form, 'body'), note: formText(form, 'note') });
    return { kind: 'redirect', location: '/mod?done=redact' };
  }),
};
