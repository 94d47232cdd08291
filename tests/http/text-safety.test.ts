/**
 * Text that would vanish: an unclosed raw-text tag in prose must not cut the rest of a story or
 * comment, and text made only of invisible characters is refused with a message, keeping it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, Browser, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const INVISIBLE = '\u200B\u200D\u200E\u202E\u2066\u2069\u2060\uFEFF';
const storyFields = (overrides: Record<string, string> = {}) => ({
  title: 'The form field that ate my story',
  body: 'I wrote about the <textarea> in our admin tool and how it broke.\n\nThis second paragraph must still be on the page.',
  tags: ['deploy'],
  lessons: 'Preview before you publish',
  intent: 'publish',
  ...overrides,
});

async function postStory(browser: Browser): Promise<string> {
  const response = await browser.post('/new', storyFields());
  expect(response.status).toBe(303);
  return response.headers.get('location')!;
}

describe('unclosed raw-text tags', () => {
  it('keep the text after them in a story and in a comment, shown as text', async () => {
    const browser = new Browser(server.origin);
    const url = await postStory(browser);
    const comment = await browser.post(url, { intent: 'comment', body: 'Mine was a <style> tag in a log line.\n\nAnd this line survived too.' });
    expect(comment.status).toBe(303);
    const html = await (await fetch(`${server.origin}${url}`)).text();
    expect(html).toContain('the &lt;textarea&gt; in our admin tool');
    expect(html).toContain('This second paragraph must still be on the page.');
    expect(html).toContain('a &lt;style&gt; tag in a log line.');
    expect(html).toContain('And this line survived too.');
  });
});

describe('text made only of invisible characters', () => {
  it('is refused as a story title, with a message beside the field and the typed title kept', async () => {
    const title = INVISIBLE.repeat(2);
    const response = await new Browser(server.origin).post('/new', storyFields({ title }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('The title contains only invisible characters (zero-width spaces or direction marks). Write it in visible letters.');
    expect(html).toContain(`value="${title}"`);
  });

  it('is refused as a comment, keeping what was typed', async () => {
    const browser = new Browser(server.origin);
    const url = await postStory(browser);
    const response = await browser.post(url, { intent: 'comment', body: INVISIBLE });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('The comment contains only invisible characters');
    expect(html).toContain(`>${INVISIBLE}</textarea>`);
  });

  it('is refused as a report reason, keeping what was typed', async () => {
    const browser = new Browser(server.origin);
    const url = await postStory(browser);
    const response = await new Browser(server.origin).post(url, { intent: 'report', targetType: 'story', reason: INVISIBLE });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('The reason contains only invisible characters');
    expect(html).toContain(`value="${INVISIBLE}"`);
  });
});
