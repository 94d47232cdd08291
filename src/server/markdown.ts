// The ONLY place user-supplied Markdown becomes HTML. Pipeline: bounds check → marked → sanitize-html.
// marked's output is untrusted (it passes raw HTML through): the sanitizer is the security boundary, and
// the bounds checks keep marked from stalling, overflowing its stack or exhausting the heap.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Thrown when user Markdown cannot be rendered safely; its message is shown to the user. */
export class UnrenderableMarkdownError extends Error {
  override name = 'UnrenderableMarkdownError';
}

const DEFAULT_MAX_LENGTH = 20_000;
// marked recurses once per blockquote/list level: ~5,000 `>` overflow the stack, and a few thousand
// indented list levels exhaust the heap (uncatchable). Real posts never nest more than a handful.
const MAX_NESTING = 12;
const MAX_PREFIX_COLUMNS = 4 * MAX_NESTING; // 12 list levels at 4-space indentation (24 at 2-space)
// marked's emphasis/strikethrough matching is quadratic in the number of `*`/`_`/`~` in a paragraph, and
// several block rules are quadratic in the number of lines without a blank line between them (measured:
// 20,000 chars of `*a[` take ~2 s, of `a\n>-\n` ~0.5 s). Blank lines reset both, so we bound
// Σ over blank-line-separated blocks of (lines² + delimiters²): ≤ ~30 ms of marked time, and a single
// block may still hold ~700 lines or ~700 delimiters — far beyond ordinary prose or code.
const MAX_BLOCK_WORK = 500_000;
// marked's inline text rule looks ahead for an e-mail address at every stop character (`!`, `` ` ``, `\`…),
// scanning to the end of the current space-free run: quadratic in the run's length (20,000 `!` ≈ 0.2 s).
// Long URLs fit comfortably; base64 blobs and minified code do not belong in posts.
const MAX_WORD_LENGTH = 2_000;
// Scripts written without spaces between words (Chinese, Japanese, Thai…): a long paragraph in
// them is one "word" to \S+, so their characters split runs instead of lengthening them.
const WRITTEN_WITHOUT_SPACES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
const RUN_WITHOUT_SPACES = new RegExp(`(?:(?!${WRITTEN_WITHOUT_SPACES.source})\\S)+`, 'gu');

const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))+/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/; // `- - - - -` is a rule, not 5 lists

const TOO_DEEP = 'This text nests quotes or lists too deeply to display. Please simplify it.';

/** Throws UnrenderableMarkdownError if `text` (newline-normalised) could make marked slow or crash. */
function assertTractable(text: string): void {
  for (const line of text.split('\n')) {
    const prefix = CONTAINER_PREFIX.exec(line)?.[0];
    if (!prefix || THEMATIC_BREAK.test(line)) continue;
    const markers = prefix.match(/[>+*-]|\d+[.)]/g)?.length ?? 0;
    if (markers > MAX_NESTING || prefix.replace(/\t/g, '    ').length > MAX_PREFIX_COLUMNS) {
      throw new UnrenderableMarkdownError(TOO_DEEP);
    }
  }
  for (const word of text.match(RUN_WITHOUT_SPACES) ?? []) {
    if (word.length > MAX_WORD_LENGTH) {
      throw new UnrenderableMarkdownError(
        `This text contains over ${MAX_WORD_LENGTH.toLocaleString('en')} characters without a space. Please break them up.`,
      );
    }
  }
  let work = 0;
  // Only space-only lines count as blank: marked's table rule does not treat a tab line as blank.
  for (const block of text.split(/\n *\n/)) {
    const lines = block.split('\n').length;
    const delimiters = block.match(/[*_~]/g)?.length ?? 0;
    work += lines * lines + delimiters * delimiters;
  }
  if (work > MAX_BLOCK_WORK) {
    throw new UnrenderableMarkdownError(
      'This text has too much formatting in one place to display. Please simplify it or split it into shorter paragraphs.',
    );
  }
}

// A dedicated instance so no other code's marked.use() can change how user content is parsed.
const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  walkTokens(token) {
    // Remote images would leak readers' IPs to whoever posted them: render just the alt text.
    // (Raw <img> HTML is dropped by the sanitizer.)
    if (token.type === 'image') Object.assign(token, { type: 'text', tokens: undefined, escaped: false });
    // GFM task-list checkboxes: keep the `[ ]`/`[x]` the user typed rather than emitting an <input>.
    if (token.type === 'checkbox') Object.assign(token, { type: 'text', text: token.raw, escaped: false });
  },
});

const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;

// Elements whose whole content the sanitizer drops (raw text, scripts, alternative renderings,
// foreign content). Opened and never closed, they would drop everything after them.
const NON_TEXT_TAGS = [
  'script', 'style', 'textarea', 'option', 'select', 'xmp', 'noscript', 'noembed', 'noframes',
  'iframe', 'template', 'title', 'plaintext', 'object', 'svg', 'math',
];
const NON_TEXT_TAG = new RegExp(`<(/?)(${NON_TEXT_TAGS.join('|')})(?=[\\s/>]|$)`, 'gi');

/**
 * Turns the `<` of every non-text element that is never closed into `&lt;`, so "I typed <textarea>
 * and…" in prose shows the tag and keeps the rest of the text instead of the parser swallowing it.
 * Matching runs from the end, so each closing tag pairs with the nearest opening before it; a
 * closed pair is left for the sanitizer to drop as before. Escaping only ever makes text, never markup.
 */
function escapeUnclosedNonTextTags(html: string): string {
  const tags = [...html.matchAll(NON_TEXT_TAG)];
  const closesAhead = new Map<string, number>();
  const unclosed = new Set<number>();
  for (let i = tags.length - 1; i >= 0; i--) {
    const [, slash, rawName] = tags[i];
    const name = rawName.toLowerCase();
    const ahead = closesAhead.get(name) ?? 0;
    // <plaintext> can never be closed: the HTML parser treats everything after it as its text.
    if (slash) closesAhead.set(name, ahead + 1);
    else if (ahead > 0 && name !== 'plaintext') closesAhead.set(name, ahead - 1);
    else unclosed.add(tags[i].index);
  }
  // An unclosed comment would hide the rest the same way.
  const comment = html.lastIndexOf('<!--');
  if (comment !== -1 && html.indexOf('-->', comment + 4) === -1) unclosed.add(comment);
  if (unclosed.size === 0) return html;
  let out = '';
  let from = 0;
  for (const index of [...unclosed].sort((a, b) => a - b)) {
    out += html.slice(from, index) + '&lt;';
    from = index + 1;
  }
  return out + html.slice(from);
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a',
    'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    ol: ['start'],
    th: [{ name: 'align', values: ['left', 'center', 'right'] }],
    td: [{ name: 'align', values: ['left', 'center', 'right'] }],
  },
  // For syntax highlighting CSS only; anything else in `class` is dropped.
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // 'discard' rather than 'escape': escape mode re-serialises the disallowed tag with its attributes
  // already stripped, so users would not see what they typed anyway, just `<img />` debris; people
  // who want to show HTML use code spans/blocks, which marked escapes. Disallowed tags lose the tag but
  // keep their (escaped) text — except the tags below, whose whole content is dropped because it is
  // raw text, a script/style, an alternative rendering, or foreign (SVG/MathML) content.
  disallowedTagsMode: 'discard',
  nonTextTags: NON_TEXT_TAGS,
  transformTags: {
    // Demote headings so user text never competes with the page's own h1/h2.
    h1: 'h3',
    h2: 'h4',
    h3: 'h5',
    h4: 'h6',
    h5: 'h6',
    // Only absolute http(s)/mailto links keep their href; relative and #fragment links would point into
    // our own site (or at ids we do not emit). rel is forced here, so raw HTML cannot opt out of it.
    a: (tagName, attribs) => {
      const href = attribs.href?.trim() ?? '';
      return {
        tagName,
        attribs: {
          ...(SAFE_HREF.test(href) && { href }),
          ...(attribs.title && { title: attribs.title }),
          rel: 'nofollow ugc noopener',
        },
      };
    },
  },
};

/** Markdown → sanitized HTML; throws UnrenderableMarkdownError for too long, too nested or unparsable input. */
export function renderMarkdown(source: string, options: { maxLength?: number } = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (source.length > maxLength) {
    throw new UnrenderableMarkdownError(
      `This text is too long to display (over ${maxLength.toLocaleString('en')} characters). Please shorten it.`,
    );
  }
  const text = source.replace(/\r\n?/g, '\n'); // as marked does, so our line bounds match its lines
  assertTractable(text);
  let html: string;
  try {
    html = marked.parse(text, { async: false });
  } catch {
    // Includes RangeError from stack exhaustion on shapes the bounds above did not foresee.
    throw new UnrenderableMarkdownError('This text could not be displayed. Please simplify its formatting.');
  }
  return normalizeHeadingLevels(sanitizeHtml(escapeUnclosedNonTextTags(html), SANITIZE_OPTIONS));
}

/**
 * The page's own title is the h1, so the story's top heading level becomes h2 and the rest follow
 * without gaps ("## What happened" is an h2, its "###" an h3): screen readers see no skipped levels.
 * Runs on sanitized output, where headings are exactly `<hN>`/`</hN>` (no attributes are allowed).
 * Idempotent, so it also fixes HTML stored before this rule (which started at h3/h4) when it is shown.
 */
export function normalizeHeadingLevels(html: string): string {
  const levels = [...html.matchAll(/<h([2-6])>/g)].map((m) => Number(m[1]));
  if (levels.length === 0) return html;
  const shift = Math.min(...levels) - 2;
  if (shift === 0) return html;
  return html.replace(/<(\/?)h([2-6])>/g, (_, slash: string, level: string) => `<${slash}h${Number(level) - shift}>`);
}

// Tags that separate words; every other tag is inline and is removed without adding a space.
const BLOCK_TAG = /<\/?(?:p|br|hr|pre|blockquote|ul|ol|li|h\d|table|thead|tbody|tr|th|td)\b[^>]*>/g;

/** Plain-text excerpt of Markdown (no markup, whitespace collapsed), cut at a word boundary to maxChars with "…". */
export function markdownExcerpt(source: string, maxChars = 160): string {
  // Only the start matters; a bounded head keeps listing pages cheap.
  const head = source.slice(0, Math.max(2_000, maxChars * 10));
  let text: string;
  try {
    // Sanitized output is well-formed (attribute values have `<`/`>` escaped), so these regexes are exact,
    // and its text only ever contains these three entities.
    text = renderMarkdown(head, { maxLength: head.length })
      // Headings are the template's "What happened", not the story: excerpts skip them.
      .replace(/<h([1-6])>[\s\S]*?<\/h\1>/g, ' ')
      .replace(BLOCK_TAG, ' ')
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  } catch (error) {
    if (!(error instanceof UnrenderableMarkdownError)) throw error;
    // Unrenderable text still gets a rough excerpt rather than breaking the page that lists it.
    text = head.replace(/^#{1,6}[ \t].*$/gm, ' ').replace(/<[^>]*>?/g, ' ').replace(/[\\`*_~#>|[\]]+/g, ' ');
  }
  // Plain text is escaped by its consumers (Astro, @astrojs/rss); turning a tag-opening `<` into `‹` keeps
  // the result inert even if someone inserts it unescaped. Comparisons like `a < b` are untouched.
  text = text.replace(/<(?=[a-z/!?])/gi, '‹').replace(/\s+/g, ' ').trim();
  if (text.length <= maxChars) return text;
  // Keep the words that fit whole in maxChars - 1 characters (the ellipsis takes the last one); a single
  // over-long first word is cut mid-word instead, without splitting a surrogate pair.
  const cut = text.slice(0, maxChars);
  const lastSpace = cut.lastIndexOf(' ');
  const words = lastSpace > 0 ? cut.slice(0, lastSpace) : cut.slice(0, maxChars - 1).replace(/[\uD800-\uDBFF]$/, '');
  return words.replace(/[\s.,;:!?…–—-]+$/, '') + '…';
}
