/**
 * Issue 12 through the built server: replies reaching the anonymous poster (manage page, header
 * notice, private feed), evidence that follows the filters, the bad-day button, follow-ups, and
 * threads (fold, edit, preview, mute). The server starts empty, so every number is our own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { startServer, Browser, readDb, manageLinkIn, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

let counter = 0;
interface Posted {
  url: string;
  id: number;
  manage: string;
}

/** Posts a story as this browser and reads the one-time manage link from the story page. */
async function postStory(browser: Browser, fields: Record<string, string | string[]> = {}): Promise<Posted> {
  counter += 1;
  const response = await browser.post('/new', {
    title: `The night the queue stood still ${counter}`,
    body: '## What happened\n\nI paused the consumer group to look at one message and forgot to resume it, so the orders piled up for an hour before anyone noticed.',
    tags: ['background-jobs'],
    lessons: 'Write down what you paused\nAlert on queue age',
    outcome: 'talk',
    intent: 'publish',
    ...fields,
  });
  expect(response.status).toBe(303);
  const url = response.headers.get('location')!;
  const page = await browser.get(url);
  return { url, id: Number(url.match(/\/stories\/(\d+)/)![1]), manage: manageLinkIn(await page.text()) };
}

async function comment(browser: Browser, url: string, body: string, parent: number | null = null): Promise<number> {
  const response = await browser.post(url, { intent: 'comment', body, parent: parent ? String(parent) : '' });
  expect(response.status).toBe(303);
  return Number(response.headers.get('location')!.split('#c')[1]);
}

/** The page's HTML without Astro's scoping attributes, so assertions read like the markup. */
const html = async (response: Response) => (await response.text()).replace(/ data-astro-cid-[a-z0-9]+(="true")?/g, '');
const noticeIn = (page: string) => /<p class="container reply-notice[^"]*"[^>]*><a href="([^"]+)">([^<]+)<\/a>/.exec(page);

describe('replies reach the anonymous poster', () => {
  it('lists the comments on the manage page newest first, marking only those new since the last visit', async () => {
    const poster = new Browser(server.origin);
    const story = await postStory(poster);
    const reader = new Browser(server.origin);
    const first = await comment(reader, story.url, 'First reply: you are not alone.');
    const second = await comment(reader, story.url, 'Second reply: this happened to me too.');
    const own = await comment(poster, story.url, 'Thank you both.');

    const page = await html(await poster.get(story.manage));
    const order = [own, second, first].map((id) => page.indexOf(`#c${id}"`));
    expect(order.every((index) => index > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(page).toContain('2 new replies');
    expect(page.match(/class="reply new"/g)).toHaveLength(2);

    const again = await html(await poster.get(story.manage));
    expect(again).not.toContain('class="reply new"');
    const third = await comment(reader, story.url, 'Third reply, later.');
    const later = await html(await poster.get(story.manage));
    expect(later.match(/class="reply new"/g)).toHaveLength(1);
    expect(later.indexOf(`#c${third}"`)).toBeLessThan(later.indexOf(`#c${own}"`));
  });

  it('shows the posting browser a header notice that links to the comments and goes once the story is read', async () => {
    const poster = new Browser(server.origin);
    const story = await postStory(poster);
    expect(noticeIn(await html(await poster.get('/')))).toBeNull();

    const reader = new Browser(server.origin);
    await comment(reader, story.url, 'Sending you a hug, this is survivable.');
    await comment(poster, story.url, 'My own comment never counts as a reply to me.');
    const notice = noticeIn(await html(await poster.get('/about')));
    expect(notice?.[2]).toBe('1 new reply to your story');
    expect(notice?.[1]).toBe(`${story.url}#comments`);
    // Nobody else sees it: not the replier, not a reader without a key.
    expect(noticeIn(await html(await reader.get('/about')))).toBeNull();
    expect(noticeIn(await html(await new Browser(server.origin).get('/about')))).toBeNull();

    // Opening the story is seeing the replies: gone on that very page and afterwards.
    expect(noticeIn(await html(await poster.get(story.url)))).toBeNull();
    expect(noticeIn(await html(await poster.get('/')))).toBeNull();
    await comment(reader, story.url, 'One more thought.');
    expect(noticeIn(await html(await poster.get('/')))?.[2]).toBe('1 new reply to your story');
    await poster.get(story.manage);
    expect(noticeIn(await html(await poster.get('/')))).toBeNull();
  });

  it('serves a private replies feed with one item per comment, its text and link, never cached or indexed', async () => {
    const poster = new Browser(server.origin);
    const story = await postStory(poster);
    const reader = new Browser(server.origin);
    const first = await comment(reader, story.url, 'Feed reply with **bold** text.');
    const second = await comment(reader, story.url, 'Another feed reply <script>alert(1)</script>.');

    const response = await fetch(`${server.origin}${story.manage}/replies.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('xml');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-robots-tag')).toContain('noindex');
    const feed = new XMLParser({ ignoreAttributes: false }).parse(await response.text());
    const items = [feed.rss.channel.item].flat();
    expect(items).toHaveLength(2);
    expect(items[0].link).toBe(`${server.origin}${story.url}#c${second}`);
    expect(items[1].link).toBe(`${server.origin}${story.url}#c${first}`);
    expect(items[1]['content:encoded']).toContain('<strong>bold</strong>');
    expect(items[0]['content:encoded']).not.toContain('<script');

    // Reading the feed does not count as a visit to the manage page.
    expect(await html(await poster.get(story.manage))).toContain('2 new replies');
    const manage = await html(await poster.get(story.manage));
    expect(manage).toContain(`${story.manage}/replies.xml`);
    expect(manage).toContain('as private as this manage link');

    expect((await fetch(`${server.origin}/manage/${'x'.repeat(43)}/replies.xml`)).status).toBe(404);
    const sitemap = await (await fetch(`${server.origin}/sitemap.xml`)).text();
    const storyPage = await (await fetch(`${server.origin}${story.url}`)).text();
    for (const text of [sitemap, storyPage]) expect(text).not.toContain('replies.xml');
  });

  it('shows a member the new replies per story on /me and in the header', async () => {
    const member = new Browser(server.origin);
    const username = `comfort${Date.now() % 1_000_000}`;
    expect((await member.post('/register', { username, password: 'quiet harbour lantern 42' })).status).toBe(303);
    const story = await postStory(member);
    await comment(new Browser(server.origin), story.url, 'A reply for the member.');
    const me = await html(await member.get('/me'));
    expect(me).toMatch(new RegExp(`href="${story.url}#comments">1 new reply</a>`));
    expect(noticeIn(me)?.[2]).toBe('1 new reply to your story');
  });
});

describe('evidence that fits the reader', () => {
  // Stories only these tests use: DNS failures, in two experience groups.
  beforeAll(async () => {
    const author = new Browser(server.origin);
    for (const outcome of ['talk', 'nothing', 'postmortem', 'warning', 'fired', 'private']) {
      await postStory(author, { tags: ['dns'], experience: 'lt1', outcome, title: `DNS at year one ended ${outcome}` });
    }
    await postStory(author, { tags: ['dns'], experience: '10plus', outcome: 'talk', title: 'DNS at year ten, talk' });
    await postStory(author, { tags: ['dns'], experience: '10plus', outcome: 'fired', title: 'DNS at year ten, fired' });
  });

  it('filters the feed by outcome, by kept-job, and together with type and experience', async () => {
    const titles = async (query: string) =>
      [...(await html(await fetch(`${server.origin}/?${query}`))).matchAll(/class="title"><a href="[^"]+">([^<]+)</g)].map((m) => m[1]);
    expect(await titles('tag=dns&experience=lt1&outcome=fired')).toEqual(['DNS at year one ended fired']);
    expect((await titles('tag=dns&experience=lt1&outcome=kept-job')).sort()).toEqual(
      ['nothing', 'postmortem', 'talk', 'warning'].map((o) => `DNS at year one ended ${o}`).sort(),
    );
    expect(await titles('tag=dns&outcome=fired')).toHaveLength(2);
    expect(await titles('tag=dns&outcome=no-such-outcome')).toHaveLength(8);
    const form = await html(await fetch(`${server.origin}/?outcome=kept-job`));
    expect(form).toMatch(/<select id="filter-outcome" name="outcome">/);
    expect(form).toMatch(/<option value="kept-job" selected>/);
  });

  it('states how stories like the filters ended, and says plainly when too few do', async () => {
    const page = await html(await fetch(`${server.origin}/?tag=dns&experience=lt1`));
    expect(page).toContain('Of 5 people with less than a year of experience who had a DNS failure, 4 kept their job.');
    const thin = await html(await fetch(`${server.origin}/?tag=dns&experience=10plus`));
    expect(thin).toContain('Only 2 stories from people with more than 10 years of experience who had a DNS failure say how it ended — too few to tell how it usually goes.');
    const none = await html(await fetch(`${server.origin}/?tag=dns&experience=3-5`));
    expect(none).toContain('No stories from people with 3–5 years of experience who had a DNS failure yet.');
  });

  it('tells a story’s readers how people like its author fared, linking to exactly that feed', async () => {
    const page = await html(await fetch(`${server.origin}/?tag=dns&experience=lt1&outcome=fired`));
    const url = /class="title"><a href="([^"]+)"/.exec(page)![1];
    const story = await html(await fetch(`${server.origin}${url}`));
    expect(story).toContain('People like the author');
    expect(story).toContain('<strong>6 stories</strong> from people with less than a year of experience who had a DNS failure.');
    expect(story).toContain('<strong>4 of 5</strong> who said how it ended kept their job.');
    expect(story).toMatch(/href="\/\?tag=dns&(amp|#38);experience=lt1"/);
    // "N more stories about DNS" lists DNS stories only.
    const more = story.slice(story.indexOf('id="more-title"'));
    expect(more).toContain('7 more stories</a>'.replace('</a>', ' about DNS</a>'));
    const listed = [...more.matchAll(/class="title"><a href="[^"]+">([^<]+)</g)].map((m) => m[1]);
    expect(listed.length).toBeGreaterThan(0);
    for (const title of listed) expect(title).toMatch(/^DNS at year/);
  });
});

describe('the bad-day button', () => {
  it('lands on a story that ended well, says why, and never repeats the story just shown', async () => {
    const author = new Browser(server.origin);
    await postStory(author, { outcome: 'talk', tags: ['secrets'], title: 'Secrets rotated, supportive talk' });
    const seen = new Set<number>();
    let previous: number | null = null;
    for (let i = 0; i < 12; i++) {
      const response: Response = await fetch(`${server.origin}/random${previous ? `?not=${previous}` : ''}`, { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const location: string = response.headers.get('location')!;
      const id: number = Number(location.match(/\/stories\/(\d+)/)![1]);
      expect(id).not.toBe(previous);
      const outcome = readDb(server, (db) => (db.prepare('SELECT outcome FROM stories WHERE id = ?').get(id) as { outcome: string }).outcome);
      expect(['nothing', 'talk', 'postmortem']).toContain(outcome);
      seen.add(id);
      previous = id;
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('explains the pick on the story and offers another one and a way back to stories like yours', async () => {
    const response = await fetch(`${server.origin}/random?tag=secrets`, { redirect: 'manual' });
    const location = response.headers.get('location')!;
    expect(location).toMatch(/\?from=random&tag=secrets$/);
    const page = await html(await fetch(`${server.origin}${location}`));
    expect(page).toContain('Picked because it ended well: <strong>a supportive talk</strong>.');
    const id = location.match(/\/stories\/(\d+)/)![1];
    expect(page).toMatch(new RegExp(`href="/random\\?not=${id}&(amp|#38);tag=secrets"`));
    expect(page).toMatch(/href="\/\?tag=secrets&(amp|#38);outcome=kept-job"/);
  });
});

describe('follow-ups', () => {
  it('adds a Markdown update through the manage link, shown with its date, in the JSON, the card and RSS', async () => {
    const poster = new Browser(server.origin);
    const story = await postStory(poster, { tags: ['email'], title: 'The e-mail that went to everyone' });
    const response = await poster.post(`${story.manage}?do=follow-up`, { followUp: 'One year later: **promoted**. <script>alert(1)</script>' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${story.manage}?followup=added#follow-ups`);

    const page = await html(await fetch(`${server.origin}${story.url}`));
    expect(page).toContain('Update from the author');
    expect(page).toContain('<strong>promoted</strong>');
    expect(page).not.toContain('<script>alert(1)');
    const json = await (await fetch(`${server.origin}/stories/${story.id}.json`)).json();
    expect(json.followUps).toHaveLength(1);
    expect(json.followUps[0].html).toContain('<strong>promoted</strong>');
    expect(new Date(json.followUps[0].created).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const card = await html(await fetch(`${server.origin}/?tag=email`));
    expect(card).toMatch(/class="updated"><dt class="visually-hidden">Follow-up<\/dt><dd>updated/);
    const rss = new XMLParser().parse(await (await fetch(`${server.origin}/rss.xml`)).text());
    const item = [rss.rss.channel.item].flat().find((i: { link: string }) => i.link.includes(story.url));
    expect(item.title).toBe('The e-mail that went to everyone (updated)');
  });

  it('refuses an empty or overlong update with a message and keeps what was typed', async () => {
    const poster = new Browser(server.origin);
    const story = await postStory(poster);
    const long = 'x'.repeat(5_001);
    const response = await poster.post(`${story.manage}?do=follow-up`, { followUp: long });
    expect(response.status).toBe(400);
    const page = await html(response);
    expect(page).toContain('Keep an update under 5,000 characters.');
    expect(page).toContain(long);
    expect((await poster.post(`${story.manage}?do=follow-up`, { followUp: '   ' })).status).toBe(400);
    expect(readDb(server, (db) => db.prepare('SELECT count(*) AS n FROM story_follow_ups WHERE story_id = ?').get(story.id))).toEqual({ n: 0 });
  });

  it('deletes the follow-ups with the story', async () => {
    const poster = new Browser(server.origin);
    const story = await postStory(poster);
    await poster.post(`${story.manage}?do=follow-up`, { followUp: 'Text that must go with the story.' });
    expect((await poster.post(`${story.manage}?do=manage`, { action: 'delete', confirm: 'yes' })).status).toBe(303);
    expect(readDb(server, (db) => db.prepare('SELECT count(*) AS n FROM story_follow_ups WHERE story_id = ?').get(story.id))).toEqual({ n: 0 });
  });

  it('lets a member add a follow-up from /me, and only to their own story', async () => {
    const member = new Browser(server.origin);
    expect((await member.post('/register', { username: `follow${Date.now() % 1_000_000}`, password: 'quiet harbour lantern 42' })).status).toBe(303);
    const story = await postStory(member);
    const response = await member.post('/me', { action: 'follow-up', story: String(story.id), followUp: 'Update from my account.' });
    expect(response.status).toBe(303);
    expect(await html(await fetch(`${server.origin}${story.url}`))).toContain('Update from my account.');
    const other = await postStory(new Browser(server.origin));
    expect((await member.post('/me', { action: 'follow-up', story: String(other.id), followUp: 'Not mine.' })).status).toBe(404);
  });
});

describe('threads people can read when they grow', () => {
  it('wraps each thread in an open <details> that folds without JavaScript', async () => {
    const story = await postStory(new Browser(server.origin));
    const a = new Browser(server.origin);
    const root = await comment(a, story.url, 'Thread one.');
    await comment(new Browser(server.origin), story.url, 'A reply in thread one.', root);
    await comment(a, story.url, 'Thread two.');
    const page = await html(await fetch(`${server.origin}${story.url}`));
    expect(page.match(/<details class="thread-fold"[^>]* open>/g)).toHaveLength(2);
    expect(page).toMatch(/Thread by [A-Z][a-z]+ [A-Z][a-z]+ \d+ · 1 reply/);
  });

  it('previews a comment without saving it, keeping the text', async () => {
    const story = await postStory(new Browser(server.origin));
    const reader = new Browser(server.origin);
    const response = await reader.post(story.url, { intent: 'comment', parent: '', body: 'Preview *me* first', preview: '1' });
    expect(response.status).toBe(200);
    const page = await html(response);
    expect(page).toContain('Preview — not posted yet');
    expect(page).toContain('Preview <em>me</em> first');
    expect(page).toContain('>Preview *me* first</textarea>');
    expect(readDb(server, (db) => db.prepare('SELECT count(*) AS n FROM comments WHERE story_id = ?').get(story.id))).toEqual({ n: 0 });
  });

  it('lets the author edit their comment (shown as edited) and refuses anyone else', async () => {
    const story = await postStory(new Browser(server.origin));
    const writer = new Browser(server.origin);
    const id = await comment(writer, story.url, 'Original words.');
    const form = await html(await writer.get(`${story.url}?edit=${id}`));
    expect(form).toContain('>Original words.</textarea>');
    const previewed = await writer.post(story.url, { intent: 'edit-comment', comment: String(id), body: 'Better *words*.', preview: '1' });
    expect(await html(previewed)).toContain('Better <em>words</em>.');
    expect((await writer.post(story.url, { intent: 'edit-comment', comment: String(id), body: 'Better words.' })).status).toBe(303);
    const page = await html(await fetch(`${server.origin}${story.url}`));
    expect(page).toContain('Better words.');
    expect(page).not.toContain('Original words.');
    expect(page).toMatch(new RegExp(`id="c${id}"[\\s\\S]*?<span class="edited"[^>]*>edited</span>`));
    const json = await (await fetch(`${server.origin}/stories/${story.id}.json`)).json();
    expect(json.comments.find((c: { id: number }) => c.id === id).edited).toMatch(/^\d{4}-\d\d-\d\dT/);

    const stranger = new Browser(server.origin);
    const refused = await stranger.post(story.url, { intent: 'edit-comment', comment: String(id), body: 'Hijacked.' });
    expect(refused.status).toBe(403);
    expect(await html(refused)).toContain('You can only edit your own comments.');
    expect(await html(await fetch(`${server.origin}${story.url}`))).not.toContain('Hijacked.');
  });

  it('folds away a muted pseudonym for that reader only, in a cookie, and unmutes', async () => {
    const story = await postStory(new Browser(server.origin));
    const loud = new Browser(server.origin);
    const id = await comment(loud, story.url, 'A comment someone would rather not read.');
    const pseudonym = readDb(server, (db) => (db.prepare('SELECT pseudonym FROM comments WHERE id = ?').get(id) as { pseudonym: string }).pseudonym);
    const reader = new Browser(server.origin);
    const tablesBefore = readDb(server, (db) => db.prepare("SELECT count(*) AS n FROM sqlite_master").get());
    const muted = await reader.post(story.url, { intent: 'mute', pseudonym, return: `${story.url}#c${id}` });
    expect(muted.status).toBe(303);
    expect(muted.headers.get('location')).toBe(`${story.url}#c${id}`);
    expect(muted.headers.getSetCookie().join(';')).toMatch(/rop_muted=.*HttpOnly/i);
    const page = await html(await reader.get(story.url));
    expect(page).toContain(`You muted ${pseudonym} in this story — show this comment`);
    expect(page).toContain(`Unmute ${pseudonym}`);
    expect(await html(await new Browser(server.origin).get(story.url))).not.toContain('You muted');
    expect(readDb(server, (db) => db.prepare("SELECT count(*) AS n FROM sqlite_master").get())).toEqual(tablesBefore);

    await reader.post(story.url, { intent: 'unmute', pseudonym, return: story.url });
    expect(await html(await reader.get(story.url))).not.toContain('You muted');
  });
});
