import { describe, it, expect } from 'vitest';
import { markdownExcerpt, normalizeHeadingLevels, renderMarkdown, UnrenderableMarkdownError } from '../../src/server/markdown';

const ALLOWED_TAGS = new Set([
  'p', 'br', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a',
  'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]);
const ALLOWED_ATTRIBUTES = new Set(['href', 'title', 'rel', 'start', 'align', 'class']);
const REL = 'nofollow ugc noopener';

/** Decodes the entities an attribute value can carry, so encoded schemes cannot hide from the checks. */
function decodeAttribute(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Asserts that sanitized output can neither run script, load resources, nor restyle the page. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(?:img|svg|math|iframe|object|embed|style|form|input|base|meta|link|template|video|audio|source|textarea|button|select|details|noscript|xmp)\b/i);
  // Inside tags (escaped text such as `&lt;svg onload=…&gt;` is only text): no handlers, no style.
  for (const [tag] of html.matchAll(/<[^>]*>/g)) {
    const names = tag.replace(/"[^"]*"/g, '""'); // `title="a&quot; onclick=…"` is a value, not an attribute
    expect(names).not.toMatch(/\son\w+\s*=/i);
    expect(names).not.toMatch(/\sstyle\s*=/i);
    const name = /^<\/?([a-z0-9]+)/i.exec(tag)?.[1]?.toLowerCase();
    expect(ALLOWED_TAGS.has(name ?? ''), `unexpected tag ${tag}`).toBe(true);
    for (const [, attribute, value] of tag.matchAll(/\s([^\s=>]+)="([^"]*)"/g)) {
      expect(ALLOWED_ATTRIBUTES.has(attribute.toLowerCase()), `unexpected attribute in ${tag}`).toBe(true);
      const decoded = decodeAttribute(value).replace(/[\u0000-\u0020]/g, '');
      expect(decoded).not.toMatch(/(?:javascript|vbscript|data):/i);
      if (attribute === 'href') expect(decoded).toMatch(/^(?:https?:\/\/|mailto:)/i);
      if (attribute === 'rel') expect(value).toBe(REL);
    }
  }
}

/** Renders, or returns the UnrenderableMarkdownError (any other error fails the test). */
function renderOrReject(source: string): string | UnrenderableMarkdownError {
  try {
    return renderMarkdown(source);
  } catch (error) {
    if (error instanceof UnrenderableMarkdownError) return error;
    throw error;
  }
}

const HOSTILE: [name: string, payload: string][] = [
  ['script tag', '<script>alert(1)</script>'],
  ['uppercase script', '<SCRIPT>alert(1)</SCRIPT>'],
  ['mixed-case script with src', '<ScRiPt src="https://evil.example/x.js"></sCrIpT>'],
  ['split script', '<scr<script>ipt>alert(1)</script>'],
  ['nested script brackets', '<<script>script>alert(1)<</script>/script>'],
  ['script with newline in tag', '<script\n>alert(1)</script\n>'],
  ['script inside a paragraph', 'Hello <script>alert(1)</script> world'],
  ['markdown javascript: link', '[x](javascript:alert(1))'],
  ['uppercase markdown javascript: link', '[x](JaVaScRiPt:alert(1))'],
  ['decimal entity in scheme', '<a href="&#106;avascript:alert(1)">x</a>'],
  ['hex entity in scheme', '<a href="&#x6A;avascript:alert(1)">x</a>'],
  ['padded decimal entities', '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>'],
  ['entity tab in scheme', '<a href="java&#x09;script:alert(1)">x</a>'],
  ['entity newline in scheme', '<a href="java&#x0A;script:alert(1)">x</a>'],
  ['entity carriage return in scheme', '<a href="jav&#x0D;ascript:alert(1)">x</a>'],
  ['raw tab in scheme', '<a href="java\tscript:alert(1)">x</a>'],
  ['raw newline in scheme', '<a href="java\nscript:alert(1)">x</a>'],
  ['&colon; entity', '<a href="javascript&colon;alert(1)">x</a>'],
  ['entity colon in markdown link', '[x](javascript&#58;alert(1))'],
  ['NUL in markdown link scheme', '[x](java\u0000script:alert(1))'],
  ['NUL in html link scheme', '<a href="java\u0000script:alert(1)">x</a>'],
  ['control character before scheme', '<a href="\u0001javascript:alert(1)">x</a>'],
  ['leading spaces before scheme', '<a href="  javascript:alert(1)">x</a>'],
  ['vbscript link', '<a href="vbscript:msgbox(1)">x</a>'],
  ['vbscript autolink', '<vbscript:msgbox(1)>'],
  ['onclick on an allowed tag', '<a onclick="alert(1)" href="https://ok.example">x</a>'],
  ['onmouseover on a paragraph', '<p onmouseover="alert(1)">hover</p>'],
  ['handler after a newline', '<a href="https://ok.example"\nonmouseover="alert(1)">x</a>'],
  ['xmp raw text', '<xmp><img src=x onerror=alert(1)></xmp>'],
  ['noscript attribute breakout', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
  ['noscript style breakout', '<noscript><style></noscript><img src=x onerror=alert(1)></style>'],
  ['svg onload', '<svg onload=alert(1)>'],
  ['svg shorthand onload', '<svg/onload=alert(1)>'],
  ['svg xlink:href', '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>'],
  ['svg script', '<svg><script>alert(1)</script></svg>'],
  ['MathML xlink:href', '<math><mi xlink:href="javascript:alert(1)">click</mi></math>'],
  ['data: markdown link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['data: html link', '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
  ['javascript autolink', '<javascript:alert(1)>'],
  ['javascript in angle-bracket destination', '[x](<javascript:alert(1)>)'],
  ['reference-style javascript link', '[x][evil]\n\n[evil]: javascript:alert(1)'],
  ['reference-style data link', '[x]\n\n[x]: data:text/html;base64,PHNjcmlwdD4='],
  ['markdown image', '![x](https://evil.example/x.png)'],
  ['image with handler', '<img src=x onerror=alert(1)>'],
  ['image inside a link', '[![x](https://evil.example/x.png)](https://ok.example)'],
  ['html inside link text', '[<img src=x onerror=alert(1)>](https://ok.example)'],
  ['title attribute breakout', '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['iframe fallback content', '<iframe src="javascript:alert(1)">fallback <img src=x onerror=alert(1)></iframe>'],
  ['style @import', '<style>@import url(https://evil.example/x.css);</style>'],
  ['style attribute', '<a href="https://ok.example" style="position:fixed;inset:0">cover</a>'],
  ['style url on div', '<div style="background:url(javascript:alert(1))">x</div>'],
  ['form action', '<form action="https://evil.example"><input name="pw"><button>Go</button></form>'],
  ['button formaction', '<button formaction="javascript:alert(1)">x</button>'],
  ['base href', '<base href="https://evil.example/">'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['link stylesheet', '<link rel="stylesheet" href="https://evil.example/x.css">'],
  ['IE conditional comment', '<!--[if gte IE 4]><script>alert(1)</script><![endif]-->'],
  ['downlevel-revealed conditional', '<![if !IE]><script>alert(1)</script><![endif]>'],
  ['template', '<template><img src=x onerror=alert(1)></template>'],
  ['object data', '<object data="javascript:alert(1)">fallback</object>'],
  ['embed src', '<embed src="javascript:alert(1)">'],
  ['details ontoggle', '<details open ontoggle=alert(1)>x</details>'],
  ['video source onerror', '<video><source onerror="alert(1)"></video>'],
  ['textarea breakout', '<textarea></textarea><img src=x onerror=alert(1)></textarea>'],
  ['select option', '<select><option><img src=x onerror=alert(1)></option></select>'],
  ['plaintext', '<plaintext><img src=x onerror=alert(1)>'],
  ['table background', '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'],
  ['mXSS svg/style', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
  ['mXSS math/mglyph', '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">'],
  ['mXSS form/math', '<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=alert(1) src>">'],
  ['code span hides nothing', '`<img src=x onerror=alert(1)>`'],
  ['indented code', '    <script>alert(1)</script>'],
  ['ping and target', '<a href="https://ok.example" ping="https://evil.example" target="_blank">x</a>'],
];

describe('renderMarkdown: hostile input is inert', () => {
  it.each(HOSTILE)('%s', (_name, payload) => {
    expectInert(renderMarkdown(payload));
  });

  it('keeps the text of discarded tags but not of raw-text ones', async () => {
    expect(renderMarkdown('<b>bold</b> <script>alert(1)</script>')).toBe('<p>bold </p>\n');
    expect(renderMarkdown('<xmp><img src=x onerror=alert(1)></xmp>')).not.toContain('onerror');
  });

  it('drops images but keeps their alt text', async () => {
    expect(renderMarkdown('![a <b> cat](https://evil.example/x.png)')).toBe('<p>a &lt;b&gt; cat</p>\n');
  });
});

describe('renderMarkdown: an unclosed raw-text tag in prose does not cut the text after it', () => {
  it.each(['textarea', 'style', 'title', 'xmp', 'script', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext', 'select', 'svg'])(
    'shows an unclosed <%s> as text and keeps every paragraph after it',
    (tag) => {
      const html = renderMarkdown(`I pasted <${tag}> into the config by accident.\n\nThe next paragraph must survive.`);
      expect(html).toContain(`&lt;${tag}&gt; into the config by accident.`);
      expect(html).toContain('<p>The next paragraph must survive.</p>');
      expectInert(html);
    },
  );

  it('keeps the text after an unclosed tag written in capitals or with attributes', async () => {
    const html = renderMarkdown('Before <TEXTAREA rows="3"> after.\n\nLast words.');
    expect(html).toContain('after.');
    expect(html).toContain('Last words.');
  });

  it('keeps the text after an unclosed HTML comment', async () => {
    expect(renderMarkdown('Note <!-- this opens a comment\n\nand this must stay.')).toContain('and this must stay.');
  });

  it('still drops the content of a closed pair, even next to an unclosed one', async () => {
    const html = renderMarkdown('A <textarea> opened, then <script>alert(1)</script> and the end.');
    expect(html).toContain('&lt;textarea&gt; opened, then');
    expect(html).toContain('and the end.');
    expect(html).not.toContain('alert');
    expectInert(html);
  });

  it('pairs nested tags from the inside, escaping only the opening left over', async () => {
    const html = renderMarkdown('<svg><svg><circle/></svg> text after');
    expect(html).toContain('text after');
    expectInert(html);
  });
});

describe('renderMarkdown: what it keeps', () => {
  it('renders paragraphs and emphasis', async () => {
    expect(renderMarkdown('One *two* **three** ~~four~~ `five`.\n\nSix')).toBe(
      '<p>One <em>two</em> <strong>three</strong> <del>four</del> <code>five</code>.</p>\n<p>Six</p>\n',
    );
  });

  it('renders lists and blockquotes', async () => {
    expect(renderMarkdown('- a\n- b\n\n3. x\n4. y\n\n> quoted')).toBe(
      '<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start="3">\n<li>x</li>\n<li>y</li>\n</ol>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n',
    );
  });

  it('shows code containing <script> as escaped text', async () => {
    expect(renderMarkdown('```html\n<script>alert(1)</script>\n```')).toBe(
      '<pre><code class="language-html">&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n',
    );
  });

  it('gives every link exactly rel="nofollow ugc noopener" and no target', async () => {
    expect(renderMarkdown('[x](https://example.com/a?b=1&c=2 "Title")')).toBe(
      `<p><a href="https://example.com/a?b=1&amp;c=2" title="Title" rel="${REL}">x</a></p>\n`,
    );
    expect(renderMarkdown('<a href="https://example.com" rel="opener" target="_blank">x</a>')).toBe(
      `<p><a href="https://example.com" rel="${REL}">x</a></p>\n`,
    );
    expect(renderMarkdown('<https://example.com>')).toBe(`<p><a href="https://example.com" rel="${REL}">https://example.com</a></p>\n`);
  });

  it('allows mailto links', async () => {
    expect(renderMarkdown('[mail me](mailto:someone@example.com)')).toBe(
      `<p><a href="mailto:someone@example.com" rel="${REL}">mail me</a></p>\n`,
    );
  });

  it('drops relative, fragment, protocol-relative and scheme-relative hrefs but keeps the text', async () => {
    expect(renderMarkdown('[a](/admin) [b](#top) [c](//evil.example) [d](https:evil.example)')).toBe(
      `<p><a rel="${REL}">a</a> <a rel="${REL}">b</a> <a rel="${REL}">c</a> <a rel="${REL}">d</a></p>\n`,
    );
  });

  it('puts the top heading at h2, below the page title, and keeps the rest without gaps, also for raw HTML', async () => {
    const html = renderMarkdown('# A\n## B\n### C\n#### D\n##### E\n###### F\n\n<h1>G</h1>');
    expect(html).toBe('<h2>A</h2>\n<h3>B</h3>\n<h4>C</h4>\n<h5>D</h5>\n<h5>E</h5>\n<h5>F</h5>\n<h2>G</h2>');
    expect(html).not.toMatch(/<h1/);
  });

  it('fixes stored HTML from before (h4 under the page title) and leaves fixed HTML as it is', async () => {
    expect(normalizeHeadingLevels('<h4>What happened</h4>\n<p>x</p>\n<h5>Detail</h5>')).toBe('<h2>What happened</h2>\n<p>x</p>\n<h3>Detail</h3>');
    expect(normalizeHeadingLevels('<h2>A</h2><h3>B</h3>')).toBe('<h2>A</h2><h3>B</h3>');
    expect(normalizeHeadingLevels('<p>no headings</p>')).toBe('<p>no headings</p>');
  });

  it('makes the template headings ("## What happened") h2, not h4', async () => {
    expect(renderMarkdown('## What happened\n\nIt broke.\n\n### Details\n\nMore.')).toBe(
      '<h2>What happened</h2>\n<p>It broke.</p>\n<h3>Details</h3>\n<p>More.</p>\n',
    );
  });

  it('renders tables with alignment only', async () => {
    expect(renderMarkdown('| a | b |\n|:--|--:|\n| 1 | *2* |')).toBe(
      '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n' +
        '<tbody><tr>\n<td align="left">1</td>\n<td align="right"><em>2</em></td>\n</tr>\n</tbody></table>\n',
    );
  });

  it('keeps only language-* classes on code and no style, class or id elsewhere', async () => {
    expect(renderMarkdown('<code class="language-js evil">x</code>')).toBe('<p><code class="language-js">x</code></p>\n');
    expect(renderMarkdown('<p class="x" id="y" style="color:red">p</p>')).toBe('<p>p</p>');
  });

  it('renders task lists as text, without inputs', async () => {
    expect(renderMarkdown('- [ ] todo\n- [x] done')).toBe('<ul>\n<li>[ ] todo</li>\n<li>[x] done</li>\n</ul>\n');
  });

  it('handles CRLF line endings like LF', async () => {
    expect(renderMarkdown('a\r\n\r\nb')).toBe(renderMarkdown('a\n\nb'));
  });

  it('renders a 20,000-character body of ordinary prose', async () => {
    const paragraph =
      'I started on a Monday, and by *Wednesday* I had pushed to **production** twice; see [the notes](https://example.com/notes) ' +
      'and the `deploy.sh` script for details. Nobody noticed, which was the problem.\n\n';
    const body = paragraph.repeat(Math.ceil(20_000 / paragraph.length)).slice(0, 20_000);
    const html = renderMarkdown(body);
    expect(html.match(/<p>/g)?.length).toBeGreaterThan(80);
    expectInert(html);
  });
});

describe('renderMarkdown: bounds', () => {
  const deep = 'This text nests quotes or lists too deeply to display. Please simplify it.';

  it('rejects input longer than maxLength (default 20,000)', async () => {
    expect(() => renderMarkdown('word '.repeat(4_000))).not.toThrow();
    expect(() => renderMarkdown('word '.repeat(4_000) + 'x')).toThrow(UnrenderableMarkdownError);
    expect(() => renderMarkdown('hello world', { maxLength: 10 })).toThrow(/too long/);
  });

  it('allows 12 levels of quotes and rejects 13', async () => {
    expect(renderMarkdown('>'.repeat(12) + ' deep').match(/<blockquote>/g)).toHaveLength(12);
    expect(() => renderMarkdown('> '.repeat(13) + 'deeper')).toThrow(deep);
  });

  it('allows 12 levels of 4-space list indentation and rejects 13', async () => {
    const nested = (levels: number) => Array.from({ length: levels }, (_, i) => '    '.repeat(i) + '- item').join('\n');
    expect(renderMarkdown(nested(12)).match(/<ul>/g)).toHaveLength(12);
    expect(() => renderMarkdown(nested(13))).toThrow(deep);
  });

  it('counts mixed quote and list markers on one line', async () => {
    expect(() => renderMarkdown('> - '.repeat(6) + 'ok')).not.toThrow();
    expect(() => renderMarkdown('> - '.repeat(7) + 'too deep')).toThrow(deep);
    expect(() => renderMarkdown('1. '.repeat(13) + 'too deep')).toThrow(deep);
  });

  it('treats a long spaced rule as a rule, not as nested lists', async () => {
    expect(renderMarkdown('- '.repeat(40).trim())).toBe('<hr />\n');
    expect(() => renderMarkdown('> '.repeat(5_000) + '---')).toThrow(deep);
  });

  it('rejects runs of more than 2,000 characters without a space', async () => {
    expect(() => renderMarkdown('!'.repeat(2_000))).not.toThrow();
    expect(() => renderMarkdown('!'.repeat(2_001))).toThrow(/without a space/);
    expect(() => renderMarkdown(`本番の${'x'.repeat(2_001)}`)).toThrow(/without a space/);
  });

  it('takes long paragraphs in scripts written without spaces (Japanese, Chinese, Thai)', async () => {
    const japanese = '本番のデータベースを消してしまった。'.repeat(200); // 3,600 characters, no space
    const chinese = '我在生产环境删除了数据库，整个团队都很冷静。'.repeat(150);
    const thai = 'ฉันลบฐานข้อมูลของลูกค้าทั้งหมดโดยไม่ได้ตั้งใจ'.repeat(80);
    for (const paragraph of [japanese, chinese, thai]) expect(renderMarkdown(paragraph)).toContain(paragraph.slice(0, 40));
  });

  it('rejects a paragraph with too many emphasis delimiters, but not the same text split into paragraphs', async () => {
    expect(() => renderMarkdown('*a[ '.repeat(1_000))).toThrow(/too much formatting/);
    expect(() => renderMarkdown(('*a[ '.repeat(100) + '\n\n').repeat(10))).not.toThrow();
  });

  it('rejects thousands of lines without a blank line, but not the same lines split into paragraphs', async () => {
    expect(() => renderMarkdown('a\n>-\n'.repeat(1_000))).toThrow(/too much formatting/);
    expect(() => renderMarkdown(('a\n>-\n'.repeat(20) + '\n').repeat(50))).not.toThrow();
  });

  it('uses a user-facing message', async () => {
    const error = renderOrReject('>'.repeat(5_000));
    expect(error).toBeInstanceOf(UnrenderableMarkdownError);
    expect((error as Error).name).toBe('UnrenderableMarkdownError');
    expect((error as Error).message).toBe(deep);
  });

  // Each of these used to stall marked for 0.1–2 s, overflow its stack, or exhaust the heap.
  // No timing assertions: vitest's timeout catches a stall; the point is "renders or rejects cleanly".
  const staircase = (levels: number, indent: string) =>
    Array.from({ length: levels }, (_, i) => indent.repeat(i) + '- x').join('\n');
  const ADVERSARIAL: [name: string, source: string, outcome: 'renders' | 'rejects' | 'either'][] = [
    ['5,000 ">"', '>'.repeat(5_000), 'rejects'],
    ['2,500 "> "', '> '.repeat(2_500), 'rejects'],
    ['"*a" x 5,000', '*a'.repeat(5_000), 'rejects'],
    ['"*a " x 5,000', '*a '.repeat(5_000).slice(0, 20_000), 'rejects'],
    ['"*a[ " x 5,000', '*a[ '.repeat(5_000), 'rejects'],
    ['"*_a " x 5,000', '*_a '.repeat(5_000), 'rejects'],
    ['"_a " x 6,000', '_a '.repeat(6_000), 'rejects'],
    ['"~a_ " x 5,000', '~a_ '.repeat(5_000), 'rejects'],
    ['"[a](" x 3,000', '[a]('.repeat(3_000), 'rejects'],
    ['"[a]( " x 4,000', '[a]( '.repeat(4_000), 'renders'],
    ['20,000 "`"', '`'.repeat(20_000), 'rejects'],
    ['"`a " x 6,000', '`a '.repeat(6_000), 'renders'],
    ['20,000 "<"', '<'.repeat(20_000), 'rejects'],
    ['"< " x 10,000', '< '.repeat(10_000), 'renders'],
    ['20,000 "_"', '_'.repeat(20_000), 'rejects'],
    ['20,000 "!"', '!'.repeat(20_000), 'rejects'],
    ['"! " x 10,000', '! '.repeat(10_000), 'renders'],
    ['20,000 "\\"', '\\'.repeat(20_000), 'rejects'],
    ['"- " x 3,000 then text', '- '.repeat(3_000) + 'x', 'rejects'],
    ['"1. " x 3,000', '1. '.repeat(3_000) + 'x', 'rejects'],
    ['"> - " x 3,000', '> - '.repeat(3_000) + 'x', 'rejects'],
    ['140-level 2-space list staircase', staircase(140, '  '), 'rejects'],
    ['300-level 1-space list staircase', staircase(300, ' '), 'rejects'],
    ['150-level tab list staircase', staircase(150, '\t'), 'rejects'],
    ['24-level 2-space staircases, repeated', (staircase(24, '  ') + '\n\n').repeat(30), 'renders'],
    ['12 quotes around a list, repeated', ('> '.repeat(11) + '- x\n\n').repeat(600), 'renders'],
    ['"a\\n-\\n" x 5,000 (setext)', 'a\n-\n'.repeat(5_000), 'rejects'],
    ['"a\\n>-\\n" x 4,000', 'a\n>-\n'.repeat(4_000), 'rejects'],
    ['":-\\n\\t\\n" x 4,000 (table probe)', ':-\n\t\n'.repeat(4_000), 'rejects'],
    ['"a\\n-|-\\n" x 3,300', 'a\n-|-\n'.repeat(3_300), 'rejects'],
    ['"[a]: b\\n" x 2,800', '[a]: b\n'.repeat(2_800), 'rejects'],
    ['"<div>\\n" x 3,300', '<div>\n'.repeat(3_300), 'rejects'],
    ['"<div>" x 4,000', '<div>'.repeat(4_000), 'rejects'],
    ['"<b>x " x 4,000', '<b>x '.repeat(4_000), 'renders'],
    ['20,000 "#"', '#'.repeat(20_000), 'rejects'],
    ['20,000 "~"', '~'.repeat(20_000), 'rejects'],
    ['"|a|\\n|-|\\n\\n" x 2,000', '|a|\n|-|\n\n'.repeat(2_000), 'renders'],
    ['"```\\n" x 5,000', '```\n'.repeat(5_000), 'either'],
    ['"http://a " x 2,000', 'http://a '.repeat(2_000), 'renders'],
    ['"a@b.co " x 2,800', 'a@b.co '.repeat(2_800), 'renders'],
    ['20,000 spaces then a', ' '.repeat(19_999) + 'a', 'renders'],
    ['10,000 newlines', '\n'.repeat(10_000), 'renders'],
  ];

  it.each(ADVERSARIAL)('%s renders or rejects cleanly', (_name, source, outcome) => {
    const result = renderOrReject(source);
    if (result instanceof UnrenderableMarkdownError) {
      expect(outcome).not.toBe('renders');
      expect(result.message).toMatch(/^This text .+\.$/);
    } else {
      expect(outcome).not.toBe('rejects');
      expectInert(result);
    }
  });
});

describe('markdownExcerpt', () => {
  it('skips headings, so excerpts start with the story and not with "What happened"', async () => {
    expect(markdownExcerpt('## What happened\n\nI dropped the wrong table.\n\n## What I learned\n\nBackups matter.')).toBe(
      'I dropped the wrong table. Backups matter.',
    );
  });

  it('strips Markdown syntax and collapses whitespace', async () => {
    expect(
      markdownExcerpt('# Title\n\nSome **bold**, _italic_ and ~~gone~~ text with [a link](https://example.com),\n`code` and ![a cat](https://e.example/c.png).\n\n- one\n- two'),
    ).toBe('Some bold, italic and gone text with a link, code and a cat. one two');
  });

  it('strips HTML, including script contents, and returns plain characters', async () => {
    expect(markdownExcerpt('Hello <b>world</b><script>alert(1)</script> & a < b')).toBe('Hello world & a < b');
  });

  it('never returns markup, even from code or escapes', async () => {
    const excerpt = markdownExcerpt('`<img src=x onerror=alert(1)>` and \\<script>');
    expect(excerpt).not.toMatch(/<[a-z/!?]/i);
    expect(excerpt).toBe('‹img src=x onerror=alert(1)> and ‹script>');
    for (const [, payload] of HOSTILE) expect(markdownExcerpt(payload)).not.toMatch(/<[a-z/!?]/i);
  });

  it('cuts at a word boundary with an ellipsis, within maxChars', async () => {
    expect(markdownExcerpt('one two three four five', 12)).toBe('one two…');
    expect(markdownExcerpt('one two three four five', 14)).toBe('one two three…');
    expect(markdownExcerpt('one, two, three', 10)).toBe('one, two…');
    expect(markdownExcerpt('short text', 20)).toBe('short text');
    expect(markdownExcerpt('a'.repeat(50), 10)).toBe('aaaaaaaaa…');
    const long = markdownExcerpt('word '.repeat(500));
    expect(long.length).toBeLessThanOrEqual(160);
    expect(long).toMatch(/ word…$/);
  });

  it('still produces text for unrenderable Markdown', async () => {
    expect(markdownExcerpt('>'.repeat(30) + ' deep *quote*')).toBe('deep quote');
  });
});
