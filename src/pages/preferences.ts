/** POST /preferences: saves which content notes to hide, then returns to the feed. */
import type { APIRoute } from 'astro';
import { handleSavePreferences } from '../actions/preferences';
import { answerPost, plainAnswer } from '../actions/outcome';

/** No page to show a form on: a problem is answered as text with its status. */
export const POST: APIRoute = async (context) => plainAnswer(await answerPost(context, { save: handleSavePreferences }));

/** The form lives on the feed; someone who lands here by address goes there. */
export const GET: APIRoute = (context) => context.redirect('/', 303);
