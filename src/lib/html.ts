/**
 * Escaping for HTML built as strings (the comment thread, issue 10). Every piece of text and every
 * attribute value goes through escapeHtml; user Markdown never does: it becomes HTML only through
 * renderMarkdown() (src/server/markdown.ts), whose sanitized output is stored and inserted as is.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a double- or single-quoted attribute value. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}
