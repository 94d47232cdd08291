/** POST /preferences: saves which content notes to hide, then returns to the feed. */
import type { APIRoute } from 'astro';
import { readForm, formText } from '../server/http';
import { saveHiddenContentNotes } from '../server/preferences';
import { safeReturnPath } from '../lib/labels';
import { ServiceError, httpStatusFor } from '../server/errors';

export const POST: APIRoute = async (context) => {
  try {
    const form = await readForm(context.request);
    const values = form.getAll('hideNotes').filter((v): v is string => typeof v === 'string');
    saveHiddenContentNotes(context.cookies, context.url, values);
    return context.redirect(safeReturnPath(formText(form, 'return'), '/'), 303);
  } catch (error) {
    if (error instanceof ServiceError) return new Response(error.message, { status: httpStatusFor(error.code) });
    throw error;
  }
};

/** The form lives on the feed; someone who lands here by address goes there. */
export const GET: APIRoute = (context) => context.redirect('/', 303);
