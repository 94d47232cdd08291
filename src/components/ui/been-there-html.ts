/**
 * The "been there" form as one HTML string: a plain POST form; pressing again takes it back.
 * The one markup for it: BeenThereButton.astro (the story page) and story cards
 * (story-card-html.ts, compact) both insert this. Every value passes through escapeHtml().
 */
import { escapeHtml as e } from '../../lib/html';
import { BEEN_THERE_TEXT as text } from '../../lib/reaction-text';

export interface BeenThereForm {
  storyUrl: string;
  count: number;
  /** The reader said "been there" to this story. */
  pressed: boolean;
  /** Where the form returns to after its POST. */
  returnTo: string;
  compact?: boolean;
}

export function beenThereFormHtml({ storyUrl, count, pressed, returnTo, compact = false }: BeenThereForm): string {
  // "want" is the state this press asks for: sent twice, it still lands once. The drawings are
  // symbols defined once per page (IconSprite.astro); the script (src/scripts/reactions.ts) takes
  // the other words from BEEN_THERE_TEXT.
  let out = `<form method="post" action="${e(storyUrl)}" class="been-there${compact ? ' compact' : ''}" data-reaction-form>`;
  out += `<input type="hidden" name="return" value="${e(returnTo)}"><input type="hidden" name="want" value="${pressed ? 'off' : 'on'}">`;
  out += `<button name="reaction" value="been-there" aria-pressed="${pressed}" title="${e(pressed ? text.pressedTitle : text.unpressedTitle)}">`;
  // Flex items of the button: no whitespace between them, except the one space that separates
  // the words from the count in the button's accessible name.
  out += `<svg aria-hidden="true" width="18" height="18"><use href="${pressed ? '#i-been-there-on' : '#i-been-there'}"></use></svg>`;
  out += `<span data-pressed-text>${e(pressed ? text.pressedText : text.unpressedText)}</span> <span class="count" data-count>${count}</span>`;
  out += `<span class="visually-hidden" data-count-label>${e(count === 1 ? text.one : text.many)}</span></button></form>`;
  return out;
}
