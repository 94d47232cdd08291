/**
 * Moderation through the built server: the role script, reports from readers, the moderator-only
 * queue, hide/restore/delete/dismiss/redact, what readers see of hidden content, the public log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { startServer, Browser, type TestServer, readDb as readServerDb } from '../helpers/server';

const SECRET = 'moderation-test-secret-0123456789abcdef';
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ SECRET });
});
afterAll(async () => {
  await server?.stop();
});

const PASSWORD = 'the pager went off at three';
let counter = 0;
const uniqueName = (prefix = 'user') => `${prefix}-${++counter}`;

const readDb = <T>(fn: (db: Database.Database) => T): T => readServerDb(server, fn);

function runRoleScript(args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync('npx', ['tsx', 'scripts/user-role.ts', ...args], {
      env: { ...process.env, DATABASE_PATH: server.databasePath, SECRET },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

async function register(browser: Browser, username = uniqueName()): Promise<string> {
  const response = await browser.post('/register', { username, password: PASSWORD });
  expect(response.status).toBe(303);
  return username;
}

/** A logged-in moderator (role set in the database: the server reads it on every request). */
async function moderator(): Promise<{ browser: Browser; username: string }> {
  const browser = new Browser(server.origin);
  const username = await register(browser, uniqueName('mod'));
  const db = new Database(server.databasePath);
  db.prepare("UPDATE users SET role = 'moderator' WHERE username = ?").run(username);
  db.close();
  return { browser, username };
}

const storyFields = (title: string, body: string) => ({
  title,
  body,
  tags: ['cache'],
  lessons: 'Name clusters so production looks different',
  experience: '1-2',
  outcome: 'talk',
  intent: 'publish',
});

const DEFAULT_BODY =
  '## What happened\n\nI flushed the wrong cache cluster during a routine clean-up and every request went to the database at once for a whole hour.';

async function postStory(title: string, body = DEFAULT_BODY): Promise<{ url: string; id: number; author: Browser }> {
  const author = new Browser(server.origin);
  const response = await author.post('/new', storyFields(title, body));
  expect(response.status).toBe(303);
  const url = response.headers.get('location')!;
  return { url, id: Number(url.match(/^\/stories\/(\d+)-/)![1]), author };
}

async function postComment(browser: Browser, storyUrl: string, body: string): Promise<number> {
  const response = await browser.post(storyUrl, { intent: 'comment', body });
  expect(response.status).toBe(303);
  return Number(response.headers.get('location')!.match(/#c(\d+)$/)![1]);
}

async function report(storyUrl: string, fields: Record<string, string>): Promise<Response> {
  return new Browser(server.origin).post(storyUrl, { intent: 'report', ...fields });
}

/** The rows of /mod/log as plain text ("when | action | reason"). */
async function logRows(): Promise<string[]> {
  const html = await (await fetch(`${server.origin}/mod/log`)).text();
  const body = html.match(/<tbody[^>]*>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)]
      .map((cell) => cell[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim())
      .join(' | '),
  );
}

describe('the role script (npm run user:role)', () => {
  it('grants and removes the moderator role by username, and the server honours it on the next request', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser, uniqueName('scripted'));
    expect((await browser.get('/mod')).status).toBe(403);

    const granted = runRoleScript([username, 'moderator']);
    expect(granted.status).toBe(0);
    expect(granted.stdout).toContain(`${username} is now a moderator.`);
    expect(readDb((db) => db.prepare('SELECT role FROM users WHERE username = ?').get(username))).toEqual({ role: 'moderator' });
    expect((await browser.get('/mod')).status).toBe(200);

    const removed = runRoleScript([username.toUpperCase(), 'member']);
    expect(removed.status).toBe(0);
    expect((await browser.get('/mod')).status).toBe(403);
  }, 60_000);

  it('fails with a message for an unknown username or an unknown role', () => {
    const unknown = runRoleScript(['no-such-person', 'moderator']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No account named "no-such-person".');
    const badRole = runRoleScript(['whoever', 'admin']);
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toContain('Usage: npm run user:role -- <username> <member|moderator>');
  }, 60_000);
});

describe('who may use /mod', () => {
  it('sends an anonymous visitor to the login page, for GET and for POST, and changes nothing', async () => {
    const story = await postStory('Anonymous visitors cannot moderate this');
    const anonymous = new Browser(server.origin);
    const get = await anonymous.get('/mod');
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe('/login?next=/mod');
    const post = await anonymous.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide' });
    expect(post.status).toBe(302);
    expect(post.headers.get('location')).toBe('/login?next=/mod');
    expect((await fetch(`${server.origin}${story.url}`)).status).toBe(200);
  });

  it('answers 403 to a logged-in member, shows no reports, and refuses their decisions and redactions', async () => {
    const story = await postStory('Members cannot moderate this story');
    expect((await report(story.url, { targetType: 'story', targetId: String(story.id), reason: 'Secret reason only mods see' })).status).toBe(303);
    const member = new Browser(server.origin);
    await register(member);
    const page = await member.get('/mod');
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain('This page is for moderators.');
    expect(html).not.toContain('Secret reason only mods see');

    const before = (await logRows()).length;
    const hide = await member.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide', note: 'member tried' });
    expect(hide.status).toBe(403);
    const redact = await member.post('/mod', { intent: 'redact', targetType: 'story', targetId: String(story.id), body: 'Replaced by a member' });
    expect(redact.status).toBe(403);
    const page2 = await fetch(`${server.origin}${story.url}`);
    expect(page2.status).toBe(200);
    expect(await page2.text()).not.toContain('Replaced by a member');
    expect((await logRows()).length).toBe(before);
  });

  it('refuses a cross-site decision from a moderator’s browser', async () => {
    const story = await postStory('Cross-site moderation must not land');
    const { browser } = await moderator();
    const response = await browser.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide' }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await fetch(`${server.origin}${story.url}`)).status).toBe(200);
  });
});

describe('reports', () => {
  it('any reader can report a story; the moderator sees it in the queue with its reason', async () => {
    const story = await postStory('A story a reader will report');
    const response = await report(story.url, { targetType: 'story', targetId: String(story.id), reason: 'It names a real company' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${story.url}?reported=1#report`);
    const { browser } = await moderator();
    const queue = await browser.get('/mod');
    expect(queue.status).toBe(200);
    expect(queue.headers.get('cache-control')).toBe('no-store');
    const html = await queue.text();
    expect(html).toContain(`story #${story.id}`);
    expect(html).toContain('It names a real company');
    expect(html).toContain('A story a reader will report');
  });

  it('any reader can report a comment on the story it belongs to', async () => {
    const story = await postStory('A story with a reported comment');
    const commentId = await postComment(new Browser(server.origin), story.url, 'A comment that someone reports');
    const response = await report(story.url, { targetType: 'comment', targetId: String(commentId), reason: 'Unkind to the author' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${story.url}?reported=1#c${commentId}`);
    const html = await (await (await moderator()).browser.get('/mod')).text();
    expect(html).toContain(`comment #${commentId}`);
    expect(html).toContain('Unkind to the author');
  });

  it('refuses a report without a reason with a 400 beside the form, keeping what was typed', async () => {
    const story = await postStory('A story with an empty report');
    const response = await report(story.url, { targetType: 'story', targetId: String(story.id), reason: 'x' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Say briefly what is wrong, so a moderator can act on it.');
    expect(html).toMatch(/name="reason"[^>]*value="x"/);
  });

  it('refuses a report on a comment of another story with 404', async () => {
    const one = await postStory('First story for a mismatched report');
    const two = await postStory('Second story for a mismatched report');
    const commentId = await postComment(new Browser(server.origin), one.url, 'Comment on the first story');
    const response = await report(two.url, { targetType: 'comment', targetId: String(commentId), reason: 'Wrong place' });
    expect(response.status).toBe(404);
    // (The message has no form to sit beside on that page, so it is not shown: reported separately.)
    expect(readDb((db) => db.prepare("SELECT count(*) AS n FROM reports WHERE reason = 'Wrong place'").get())).toEqual({ n: 0 });
  });

  it('does not record who reported', () => {
    const columns = readDb((db) => (db.prepare('PRAGMA table_info(reports)').all() as { name: string }[]).map((c) => c.name));
    expect(columns.sort()).toEqual(['created_at', 'id', 'reason', 'state', 'target_id', 'target_type']);
  });
});

describe('hiding and restoring', () => {
  it('a hidden story answers 404 to readers (page and JSON) and stays visible to moderators', async () => {
    const title = 'Hidden story nobody should find';
    const story = await postStory(title, `${DEFAULT_BODY} Zanzibarquux marker.`);
    const { browser: mod } = await moderator();
    const response = await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide', note: 'Names a colleague' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/mod?done=hide');

    const page = await fetch(`${server.origin}${story.url}`);
    expect(page.status).toBe(404);
    expect(await page.text()).not.toContain(title);
    expect((await fetch(`${server.origin}/stories/${story.id}.json`)).status).toBe(404);
    // Its own author, without the moderator role, is a reader too.
    expect((await story.author.get(story.url)).status).toBe(404);
    // A hidden story takes no new comments.
    expect((await new Browser(server.origin).post(story.url, { intent: 'comment', body: 'sneaky' })).status).toBe(404);

    const modView = await mod.get(story.url);
    expect(modView.status).toBe(200);
    const html = await modView.text();
    expect(html).toContain(title);
    expect(html).toContain('This story is hidden by a moderator. Only moderators can see it.');
    expect(html).toMatch(/<meta name="robots" content="noindex/);
  });

  it('a hidden story leaves the feed, its failure type page, search and the RSS feed', async () => {
    const title = 'Vanishing story for listings';
    const story = await postStory(title, `${DEFAULT_BODY} Quokkaflux marker.`);
    for (const path of ['/', '/tags/cache', '/search?q=Quokkaflux', '/rss.xml']) {
      expect(await (await fetch(`${server.origin}${path}`)).text()).toContain(title);
    }
    const { browser: mod } = await moderator();
    await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide' });
    for (const path of ['/', '/tags/cache', '/search?q=Quokkaflux', '/rss.xml', '/sitemap.xml']) {
      const text = await (await fetch(`${server.origin}${path}`)).text();
      expect(text, path).not.toContain(title);
      expect(text, path).not.toContain(story.url);
    }
  });

  it('restoring a hidden story makes it readable again', async () => {
    const story = await postStory('Hidden then restored');
    const { browser: mod } = await moderator();
    await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide' });
    expect((await fetch(`${server.origin}${story.url}`)).status).toBe(404);
    const restore = await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'restore', note: 'Fine after all' });
    expect(restore.status).toBe(303);
    const page = await fetch(`${server.origin}${story.url}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hidden then restored');
  });

  it('a hidden comment’s text is gone for readers (page, JSON, search) and shown to moderators', async () => {
    const story = await postStory('A story with a comment to hide');
    const commentId = await postComment(new Browser(server.origin), story.url, 'Wombatique comment text to hide');
    const { browser: mod } = await moderator();
    const response = await mod.post('/mod', { targetType: 'comment', targetId: String(commentId), decision: 'hide', note: 'Unkind' });
    expect(response.status).toBe(303);

    const page = await fetch(`${server.origin}${story.url}`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('Wombatique');
    expect(await (await fetch(`${server.origin}/stories/${story.id}.json`)).text()).not.toContain('Wombatique');
    expect(await (await fetch(`${server.origin}/search?q=Wombatique`)).text()).not.toContain(`#c${commentId}`);

    const modHtml = await (await mod.get(story.url)).text();
    expect(modHtml).toContain('Wombatique comment text to hide');
    expect(modHtml).toContain('hidden by a moderator');
  });

  it('a hidden comment no longer counts in the story’s comment count, a restored one counts again, a deleted hidden one stays uncounted', async () => {
    const story = await postStory('A story whose comment count follows moderation');
    const commenter = new Browser(server.origin);
    const first = await postComment(commenter, story.url, 'First visible comment');
    await postComment(commenter, story.url, 'Second visible comment');
    const heading = async () => (await (await fetch(`${server.origin}${story.url}`)).text()).match(/<h2 id="comments-title"[^>]*>([^<]*)<\/h2>/)![1];
    const stored = () => readDb((db) => (db.prepare('SELECT comment_count AS n FROM stories WHERE id = ?').get(story.id) as { n: number }).n);
    expect(await heading()).toBe('2 comments');

    const { browser: mod } = await moderator();
    await mod.post('/mod', { targetType: 'comment', targetId: String(first), decision: 'hide' });
    expect(await heading()).toBe('1 comment');
    expect(stored()).toBe(1);
    // Hiding twice changes nothing more.
    await mod.post('/mod', { targetType: 'comment', targetId: String(first), decision: 'hide' });
    expect(stored()).toBe(1);

    await mod.post('/mod', { targetType: 'comment', targetId: String(first), decision: 'restore' });
    expect(await heading()).toBe('2 comments');

    await mod.post('/mod', { targetType: 'comment', targetId: String(first), decision: 'hide' });
    await mod.post('/mod', { targetType: 'comment', targetId: String(first), decision: 'delete' });
    expect(await heading()).toBe('1 comment');
    expect(stored()).toBe(1);
  });

  it('a hidden comment with replies keeps its place as “removed by a moderator” without its text', async () => {
    const story = await postStory('A story with a hidden parent comment');
    const parent = await postComment(new Browser(server.origin), story.url, 'Platypusoid parent to hide');
    const replier = new Browser(server.origin);
    const reply = await replier.post(story.url, { intent: 'comment', parent: String(parent), body: 'A kind reply that stays' });
    expect(reply.status).toBe(303);
    const { browser: mod } = await moderator();
    await mod.post('/mod', { targetType: 'comment', targetId: String(parent), decision: 'hide' });
    const html = await (await fetch(`${server.origin}${story.url}`)).text();
    expect(html).not.toContain('Platypusoid');
    expect(html).toContain('[removed by a moderator]');
    expect(html).toContain('A kind reply that stays');
  });
});

describe('deleting, dismissing and redacting', () => {
  it('deleting a reported story removes it for real and closes its reports', async () => {
    const story = await postStory('A story a moderator deletes');
    await report(story.url, { targetType: 'story', targetId: String(story.id), reason: 'Spam' });
    const { browser: mod } = await moderator();
    const response = await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'delete' });
    expect(response.status).toBe(303);
    expect((await fetch(`${server.origin}${story.url}`)).status).toBe(404);
    readDb((db) => {
      expect(db.prepare('SELECT count(*) AS n FROM stories WHERE id = ?').get(story.id)).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM stories_fts WHERE title LIKE '%moderator deletes%'").get()).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM reports WHERE target_type = 'story' AND target_id = ? AND state = 'open'").get(story.id)).toEqual({ n: 0 });
    });
    expect(await (await mod.get('/mod')).text()).not.toContain(`story #${story.id} ·`);
  });

  it('dismissing a report closes it and leaves the content alone', async () => {
    const story = await postStory('A story whose report is dismissed');
    await report(story.url, { targetType: 'story', targetId: String(story.id), reason: 'I just disagree' });
    const { browser: mod } = await moderator();
    expect(await (await mod.get('/mod')).text()).toContain('I just disagree');
    const response = await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'dismiss' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/mod?done=dismiss');
    expect(await (await mod.get('/mod')).text()).not.toContain('I just disagree');
    expect((await fetch(`${server.origin}${story.url}`)).status).toBe(200);
  });

  it('redacting replaces the title and text for real: the old words are in no table, no address and not searchable', async () => {
    const story = await postStory('Outage at Initech Globex', `${DEFAULT_BODY}\n\nMy manager Bartholomew Snodgrass at Initech yelled.`);
    const { browser: mod } = await moderator();
    const response = await mod.post('/mod', {
      intent: 'redact',
      targetType: 'story',
      targetId: String(story.id),
      title: 'Outage at a large company',
      body: `${DEFAULT_BODY}\n\nMy manager at [company] yelled.`,
      note: 'Removed a name',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/mod?done=redact');
    const page = await fetch(`${server.origin}/stories/${story.id}`, { redirect: 'follow' });
    const html = await page.text();
    expect(html).toContain('Outage at a large company');
    expect(html).toContain('My manager at [company] yelled.');
    expect(html).not.toMatch(/Snodgrass|Initech/i); // the story's address (its slug) too
    expect(page.url).not.toMatch(/initech/i);
    expect(await (await fetch(`${server.origin}/search?q=Snodgrass`)).text()).not.toContain(`/stories/${story.id}-`);

    const leftovers = readDb((db) => {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      return tables.filter((name) =>
        (db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][]).some((row) =>
          row.some((value) => typeof value === 'string' && /Snodgrass|Initech/i.test(value)),
        ),
      );
    });
    expect(leftovers).toEqual([]);
  });

  it('redacting a comment replaces its text', async () => {
    const story = await postStory('A story with a comment to redact');
    const commentId = await postComment(new Browser(server.origin), story.url, 'Ask Gertrude Fiddlesticks in payroll');
    const { browser: mod } = await moderator();
    const response = await mod.post('/mod', { intent: 'redact', targetType: 'comment', targetId: String(commentId), body: 'Ask [someone] in payroll' });
    expect(response.status).toBe(303);
    const html = await (await fetch(`${server.origin}${story.url}`)).text();
    expect(html).toContain('Ask [someone] in payroll');
    expect(html).not.toContain('Fiddlesticks');
  });

  it('answers a wrong decision with 400, an unknown target with 404 and a missing id with 400, each with a message', async () => {
    const { browser: mod } = await moderator();
    const cases: [Record<string, string>, number, string][] = [
      [{ targetType: 'story', targetId: '1', decision: 'obliterate' }, 400, 'Choose dismiss, hide, restore or delete.'],
      [{ targetType: 'story', targetId: '99999', decision: 'hide' }, 404, 'That content no longer exists.'],
      [{ targetType: 'comment', targetId: '99999', decision: 'delete' }, 404, 'That content no longer exists.'],
      [{ targetType: 'story', targetId: 'abc', decision: 'hide' }, 400, 'Give the id of the story or comment.'],
      [{ intent: 'redact', targetType: 'story', targetId: '99999', body: 'x' }, 404, 'That content no longer exists.'],
      [{ intent: 'redact', targetType: 'story', targetId: '1', body: '' }, 400, 'The text must be 1–20000 characters.'],
    ];
    for (const [fields, status, message] of cases) {
      const response = await mod.post('/mod', fields);
      expect(response.status, JSON.stringify(fields)).toBe(status);
      expect(await response.text()).toContain(message);
    }
  });
});

describe('the public moderation log', () => {
  it('shows kind, id, action, reason and time for each action, by “a moderator”, newest first', async () => {
    const story = await postStory('Logged story with a distinctive title Xylophonic');
    const commentId = await postComment(new Browser(server.origin), story.url, 'Logged comment Marmalade');
    await report(story.url, { targetType: 'comment', targetId: String(commentId), reason: 'Reader says it is rude' });
    const { browser: mod } = await moderator();
    await mod.post('/mod', { targetType: 'comment', targetId: String(commentId), decision: 'hide' });
    await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide', note: 'Identifies a team' });
    await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'restore', note: 'Edited by the author' });

    const rows = await logRows();
    expect(rows[0]).toMatch(new RegExp(`^.+ \\| A moderator restored story #${story.id} \\| Edited by the author$`));
    expect(rows[1]).toMatch(new RegExp(`^.+ \\| A moderator hid story #${story.id} \\| Identifies a team$`));
    // Without a note, the reason is the report's.
    expect(rows[2]).toMatch(new RegExp(`^.+ \\| A moderator hid comment #${commentId} \\| Reader says it is rude$`));

    const html = await (await fetch(`${server.origin}/mod/log`)).text();
    expect(html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T/);
  });

  it('shows "No reason given" when neither a note nor a report gave one', async () => {
    const story = await postStory('Hidden without any reason');
    const { browser: mod } = await moderator();
    await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide' });
    expect((await logRows())[0]).toMatch(new RegExp(`A moderator hid story #${story.id} \\| No reason given$`));
  });

  it('logs dismissals, deletions and redactions too', async () => {
    const a = await postStory('Dismissed in the log');
    const b = await postStory('Deleted in the log');
    const c = await postStory('Redacted in the log');
    const { browser: mod } = await moderator();
    await mod.post('/mod', { targetType: 'story', targetId: String(a.id), decision: 'dismiss', note: 'Within the guidelines' });
    await mod.post('/mod', { targetType: 'story', targetId: String(b.id), decision: 'delete', note: 'Spam' });
    await mod.post('/mod', { intent: 'redact', targetType: 'story', targetId: String(c.id), body: DEFAULT_BODY, note: 'Removed a name' });
    const rows = await logRows();
    expect(rows[2]).toMatch(new RegExp(`A moderator dismissed a report on story #${a.id} \\| Within the guidelines$`));
    expect(rows[1]).toMatch(new RegExp(`A moderator deleted story #${b.id} \\| Spam$`));
    expect(rows[0]).toMatch(new RegExp(`A moderator redacted story #${c.id} \\| Removed a name$`));
  });

  it('never shows the hidden title or text, nor any moderator’s username, and is public', async () => {
    const story = await postStory('Secret title Quetzalcoatl', `${DEFAULT_BODY} Secret body Ocelotmarker.`);
    const commentId = await postComment(new Browser(server.origin), story.url, 'Secret comment Pangolinmarker');
    const { browser: mod, username } = await moderator();
    await mod.post('/mod', { targetType: 'comment', targetId: String(commentId), decision: 'hide' });
    await mod.post('/mod', { targetType: 'story', targetId: String(story.id), decision: 'hide' });

    const response = await fetch(`${server.origin}/mod/log`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`A moderator hid story #${story.id}`);
    expect(html).not.toMatch(/Quetzalcoatl|Ocelotmarker|Pangolinmarker/);
    expect(html).not.toContain(username);
    const names = readDb((db) => (db.prepare('SELECT username FROM users').all() as { username: string }[]).map((u) => u.username));
    for (const name of names) expect(html).not.toMatch(new RegExp(`\\b${name}\\b`));
    const columns = readDb((db) => (db.prepare('PRAGMA table_info(moderation_actions)').all() as { name: string }[]).map((c) => c.name));
    expect(columns.sort()).toEqual(['action', 'created_at', 'id', 'reason', 'target_id', 'target_type']);
  });
});
