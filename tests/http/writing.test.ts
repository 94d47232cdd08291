/**
 * Issue 13 at the HTTP level: redacting one detail everywhere or all at once, one-click fixes for
 * pasted text, and stories like the one being written, all as plain form posts (no JavaScript).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, Browser, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ SEED_DEMO: '1' });
});
afterAll(async () => {
  await server?.stop();
});

const story = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'Priya Raman and I dropped the wrong index',
  body: [
    '## What happened',
    '',
    'My lead Priya Raman asked me to drop an unused index. I ran it on the primary instead of staging.',
    'Priya Raman spotted it in the graphs first, and pinged me in #db-help.',
  ].join('\n'),
  tags: ['database'],
  lessons: 'Ask Priya Raman for a second pair of eyes\nCheck the host before you type DROP',
  ...overrides,
});

const textarea = (html: string, id: string) => html.match(new RegExp(`<textarea id="${id}"[^>]*>([^<]*)</textarea>`))![1];
const titleValue = (html: string) => html.match(/<input id="title" name="title" type="text" value="([^"]*)"/)![1];

describe('redaction in one step', () => {
  it('lists a detail found in several places once, with how often, and one button for all of them', async () => {
    const html = await (await new Browser(server.origin).post('/new', story({ intent: 'preview' }))).text();
    expect(html).toMatch(/<mark data-finding="name"[^>]*>Priya Raman<\/mark><span class="small"[^>]*> ×4<\/span>/);
    expect(html.match(/name="redact" value="every:name:Priya Raman"/g)).toHaveLength(1);
    expect(html).toMatch(/<button type="submit" form="story-form" name="redact" value="all"[^>]*>Redact all<\/button>/);
    // Highlighted where no cue explains it too: in the title and at a sentence start.
    expect(html).toMatch(/<h2 id="preview-title"[^>]*><mark data-finding="name"[^>]*>Priya Raman<\/mark> and I dropped/);
  });

  it('replaces a detail everywhere it occurs (title, story, lessons) with a neutral stand-in', async () => {
    const response = await new Browser(server.origin).post('/new', story({ redact: 'every:name:Priya Raman' }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('Priya Raman');
    expect(titleValue(html)).toBe('A teammate and I dropped the wrong index');
    expect(textarea(html, 'body')).toContain('My lead a teammate asked me');
    expect(textarea(html, 'body')).toContain('A teammate spotted it in the graphs first');
    expect(textarea(html, 'lessons')).toContain('Ask a teammate for a second pair of eyes');
    // The channel is another detail and stays until asked.
    expect(textarea(html, 'body')).toContain('#db-help');
  });

  it('"Redact all" replaces every finding in every field', async () => {
    const response = await new Browser(server.origin).post('/new', story({ redact: 'all' }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('Priya Raman');
    expect(html).not.toContain('#db-help');
    expect(textarea(html, 'body')).toContain('pinged me in a channel.');
    expect(html).toContain('No obvious names, addresses or dates found.');
  });

  it('refuses to redact a detail that is no longer in the text, and changes nothing', async () => {
    const response = await new Browser(server.origin).post('/new', story({ redact: 'every:name:Someone Else' }));
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toMatch(/nothing was replaced/);
    expect(titleValue(html)).toBe('Priya Raman and I dropped the wrong index');
  });

  it('refuses a made-up redact value without changing anything', async () => {
    const response = await new Browser(server.origin).post('/new', story({ redact: 'every:nonsense:Priya Raman' }));
    expect(response.status).toBe(409);
    expect(titleValue(await response.text())).toBe('Priya Raman and I dropped the wrong index');
  });
});

describe('help with pasted text', () => {
  const pasted = [
    'Posted on 3 March • 4 min read',
    '',
    '## What happened',
    '',
    'I ran this against the primary, thinking it was staging:',
    '',
    'for shard in shards:',
    '    drop_index(shard, "orders_idx")',
    '',
    'What we changed afterwards:',
    '• a prompt that shows the environment',
    '• read-only credentials by default',
    '',
    'Share',
  ].join('\n');

  it('offers each fix the text needs', async () => {
    const html = await (await new Browser(server.origin).post('/new', story({ intent: 'preview', body: pasted }))).text();
    expect(html).toContain('This looks pasted');
    expect(html).toMatch(/name="fix" value="bullets"[^>]*>Turn them into a list/);
    expect(html).toMatch(/name="fix" value="code"[^>]*>Fence the code/);
    expect(html).toMatch(/name="fix" value="leftovers"[^>]*>Remove the leftovers/);
  });

  it('turns "•" lines into a Markdown list', async () => {
    const html = await (await new Browser(server.origin).post('/new', story({ fix: 'bullets', body: pasted }))).text();
    expect(textarea(html, 'body')).toContain('What we changed afterwards:\n- a prompt that shows the environment\n- read-only credentials by default');
    expect(html).toContain('<li>a prompt that shows the environment</li>');
    expect(html).not.toMatch(/name="fix" value="bullets"/);
  });

  it('fences code pasted without fences', async () => {
    const html = await (await new Browser(server.origin).post('/new', story({ fix: 'code', body: pasted }))).text();
    expect(textarea(html, 'body')).toContain('```\nfor shard in shards:\n    drop_index(shard, &quot;orders_idx&quot;)\n```');
    expect(html).toMatch(/<pre><code>for shard in shards:\n {4}drop_index/);
  });

  it('removes the page leftovers and keeps the story', async () => {
    const html = await (await new Browser(server.origin).post('/new', story({ fix: 'leftovers', body: pasted }))).text();
    const body = textarea(html, 'body');
    expect(body).not.toContain('Posted on');
    expect(body).not.toContain('min read');
    expect(body).not.toMatch(/\nShare$/);
    expect(body.startsWith('## What happened')).toBe(true);
    expect(body).toContain('I ran this against the primary');
  });

  it('answers 400 to an unknown fix and keeps what was typed', async () => {
    const response = await new Browser(server.origin).post('/new', story({ fix: 'everything', body: pasted }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Choose one of the offered fixes.');
    expect(textarea(html, 'body')).toContain('Posted on 3 March');
  });
});

describe('stories like yours', () => {
  it('shows up to three published stories that match the title and story', async () => {
    const published = await new Browser(server.origin).post('/new', story({
      intent: 'publish',
      title: 'The zeppelin queue that swallowed every invoice',
      body: '## What happened\n\nOur zeppelin queue consumer acknowledged invoices before saving them, so a restart swallowed every invoice in flight.',
      lessons: 'Acknowledge after saving',
    }));
    expect(published.status).toBe(303);
    const url = published.headers.get('location')!;
    const html = await (
      await new Browser(server.origin).post('/new', story({ intent: 'preview', title: 'Invoices lost in the zeppelin queue', body: '## What happened\n\nA restart of the zeppelin queue lost invoices, because the consumer acknowledged each one before it was saved.' }))
    ).text();
    const section = html.match(/<aside class="similar"[\s\S]*?<\/aside>/)?.[0] ?? '';
    expect(section).toContain('Stories like yours');
    const links = [...section.matchAll(/<li[^>]*><a href="([^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(1);
    expect(links.length).toBeLessThanOrEqual(3);
    expect(links[0]).toBe(url);
  });

  it('shows no such section when nothing published is alike', async () => {
    const html = await (await new Browser(server.origin).post('/new', story({ intent: 'preview', title: 'Quokka xylophone wombat', body: '## What happened\n\nQuokka xylophone wombat narwhal, platypus echidna kookaburra dingo wallaby bilby.' }))).text();
    expect(html).toContain('Preview — not published yet');
    expect(html).not.toContain('Stories like yours');
  });
});
