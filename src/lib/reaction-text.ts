/**
 * The words of the "been there" button, shared by the server markup and the script that updates
 * the button in place: a feed page prints the button 20 times, so the alternatives are not
 * repeated in data-* attributes on each one.
 */
export const BEEN_THERE_TEXT = {
  pressedText: 'You’ve been there',
  unpressedText: 'Been there',
  one: ' person has been there',
  many: ' people have been there',
  pressedTitle: 'You said you have been there. Press again to take it back.',
  unpressedTitle: 'Say you have been there too',
} as const;

/** The words a reaction button switches between; an element's own data-* attribute wins over these. */
export type ReactionText = { pressedText?: string; unpressedText?: string; one?: string; many?: string };
