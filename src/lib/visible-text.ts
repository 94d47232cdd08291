/**
 * Text that renders as nothing: zero-width characters, direction marks and isolates, invisible
 * operators, fillers and variation selectors. A title or comment made only of these looks empty
 * to every reader (and can hide a report reason from moderators), so it is refused.
 */
const INVISIBLE =
  /[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u2800\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDDEF]/gu;

/** True when the text has at least one character a reader can see. */
export function hasVisibleText(value: string): boolean {
  return value.replace(INVISIBLE, '').length > 0;
}

/** The message beside a field whose text is only invisible characters, naming the field. */
export function invisibleTextMessage(what: string): string {
  return `${what} contains only invisible characters (zero-width spaces or direction marks). Write it in visible letters.`;
}
