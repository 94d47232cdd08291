/** The content-note preferences form on the feed: which notes to hide. Kept in a cookie only. */
import type { APIContext } from 'astro';
import { readForm, formText } from '../server/http';
import { saveHiddenContentNotes } from '../server/preferences';
import { safeReturnPath } from '../lib/labels';
import { formFailure, type FormOutcome } from './outcome';

/** POST /preferences: saves which content notes to hide, then returns to where the form was. */
export async function handleSavePreferences(context: APIContext): Promise<FormOutcome<object>> {
  try {
    const form = await readForm(context.request);
    const values = form.getAll('hideNotes').filter((v): v is string => typeof v === 'string');
    saveHiddenContentNotes(context.cookies, context.url, values);
    return { kind: 'redirect', location: safeReturnPath(formText(form, 'return'), '/') };
  } catch (error) {
    return formFailure(error, {});
  }
}
