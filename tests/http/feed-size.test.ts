/**
 * The front page stays small (issue 10: the feed's HTML ≤ 40 KB): 20 cards whose titles are as long
 * as allowed, read anonymously and with a session. Sizes, not times, so the test holds on a busy machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, Browser, type TestServer } from '../helpers/server';
import { storyFormFields } from '../helpers/factories';
import { LIMITS } from '../../src/lib/limits';

const FEED_HTML_BUDGET_BYTES = 40 * 1024;

/** A title of exactly the longest allowed length, different for each story. */
const longTitle = (n: number) =>
  `Story ${n}: I ran the clean-up script against production instead of staging and took down checkout, search and the nightly reports at once`
    .padEnd(LIMITS.titleMax, ' and more')
    .slice(0, LIMITS.titleMax);

let server: TestServer;
let member: Browser;

beforeAll(async () => {
  server = await startServer();
  const writer = new Browser(server.origin);
  // One more than a page, so the page also carries its "Older stories" link.
  for (let n = 1; n <= LIMITS.feedPageSize + 1; n++) {
    const response = await writer.post('/new', storyFormFields({
      title: longTitle(n),
      tags: ['database', 'deploy', 'migration'],
      lessons: 'Put the name of the environment in the shell prompt, in a colour you cannot miss, before running anything that deletes\nRehearse the restore',
    }));
    expect(response.status).toBe(303);
  }
  member = new Browser(server.origin);
  const registered = await member.post('/register', { username: 'feedreader', password: 'a long enough passphrase 42' });
  expect(registered.status).toBe(303);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const cardsIn = (html: string) => html.match(/<article class="card story-card"/g)?.length ?? 0;

describe('the front page’s size', () => {
  it('stays within 40 KB of HTML for 20 long-titled cards, read anonymously', async () => {
    const response = await fetch(`${server.origin}/`);
    const html = await response.text();
    expect(cardsIn(html)).toBe(LIMITS.feedPageSize);
    expect(html).toContain(longTitle(LIMITS.feedPageSize + 1));
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(FEED_HTML_BUDGET_BYTES);
  });

  it('stays within 40 KB of HTML for a reader with a session', async () => {
    const html = await (await member.get('/')).text();
    expect(html).toContain('href="/me"');
    expect(cardsIn(html)).toBe(LIMITS.feedPageSize);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(FEED_HTML_BUDGET_BYTES);
  });
});
