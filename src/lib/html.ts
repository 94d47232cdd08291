/**
 * The one escape for HTML we build as strings (story cards, previews, the comment thread): every
 * piece of text and every attribute value goes through it. The same five characters Astro escapes
 * in `{expressions}`, so string-built markup reads exactly like a component's. User Markdown never
 * comes here: its HTML comes only from renderMarkdown() (src/server/markdown.ts), whose sanitized
 * output is stored and inserted as is.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/g;

/** Text safe inside an element or a double- or single-quoted attribute value. */
export function escapeHtml(text: string | number): string {
  const value = String(text);
  // Most text (ids, dates, counts, labels) has nothing to escape: skip the replace.
  NEEDS_ESCAPE.lastIndex = 0;
  return NEEDS_ESCAPE.test(value) ? value.replace(NEEDS_ESCAPE, (char) => ESCAPES[char]) : value;
}
