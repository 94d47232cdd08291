/**
 * The one escape for HTML we build as strings (story cards, previews): text and attribute values
 * both go through it. The same five characters Astro escapes in `{expressions}`, so a string-built
 * card reads exactly like the component did. User Markdown never comes here: its HTML comes only
 * from renderMarkdown() (src/server/markdown.ts).
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/g;

export function escapeHtml(text: string | number): string {
  const value = String(text);
  // Most card text (ids, dates, counts, labels) has nothing to escape: skip the replace.
  NEEDS_ESCAPE.lastIndex = 0;
  return NEEDS_ESCAPE.test(value) ? value.replace(NEEDS_ESCAPE, (char) => ESCAPES[char]) : value;
}
