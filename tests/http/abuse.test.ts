/**
 * Abuse protection through the built server with rate limits ON: brute-force logins, per-address
 * limits on every write, honeypots, and clear 4xx answers that keep what was typed (never a 500).
 * Each test speaks from its own X-Forwarded-For address so the per-address buckets don't mix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startServer, Browser, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ TRUST_PROXY: '1', RATE_LIMIT: 'on' });
});
afterAll(async () => {
  await server?.stop();
});

const PASSWORD = 'the pager went off at three';
let counter = 0;
const uniqueName = (prefix = 'user') => `${prefix}-${++counter}`;
let addressCounter = 0;
/** A fresh documentation-range address (RFC 5737) for each caller. */
const nextAddress = () => `198.51.100.${++addressCounter}`;
const from = (address: string) => new Browser(server.origin, { 'x-forwarded-for': address });

function count(sql: string, ...params: unknown[]): number {
  const db = new Database(server.databasePath, { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

function expectRetryAfter(response: Response, maxSeconds: number) {
  const header = response.headers.get('retry-after');
  expect(header).toMatch(/^\d+$/);
  expect(Number(header)).toBeGreaterThanOrEqual(1);
  expect(Number(header)).toBeLessThanOrEqual(maxSeconds);
}

async function registerFrom(address: string, username = uniqueName()): Promise<string> {
  const response = await from(address).post('/register', { username, password: PASSWORD });
  expect(response.status).toBe(303);
  return username;
}

const storyFields = (title: string) => ({
  title,
  body: '## What happened\n\nI flushed the wrong cache cluster during a routine clean-up and every request went to the database at once for a whole hour.',
  tags: ['cache'],
  lessons: 'Name clusters so production looks different',
  intent: 'publish',
});

async function postStory(title = `Rate limit target ${uniqueName('story')}`): Promise<string> {
  const response = await from(nextAddress()).post('/new', storyFields(title));
  expect(response.status).toBe(303);
  return response.headers.get('location')!;
}

describe('brute-force logins', () => {
  it('after 10 failed logins for one username from one address, that address gets 429 with Retry-After, even with the right password', async () => {
    const username = await registerFrom(nextAddress());
    const guesser = nextAddress();
    for (let i = 0; i < 10; i++) {
      const response = await from(guesser).post('/login', { username, password: `wrong guess number ${i}` });
      expect(response.status, `attempt ${i + 1}`).toBe(400);
    }
    const blocked = await from(guesser).post('/login', { username, password: 'wrong guess number 11' });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 15 * 60);
    const html = await blocked.text();
    expect(html).toContain('Too many failed attempts for this username. Please wait a few minutes and try again.');
    expect(html).toContain(`value="${username}"`);

    const rightPassword = await from(guesser).post('/login', { username: username.toUpperCase(), password: PASSWORD });
    expect(rightPassword.status).toBe(429);
    expectRetryAfter(rightPassword, 15 * 60);
    expect(rightPassword.headers.getSetCookie().some((line) => line.startsWith('session='))).toBe(false);
  });

  it('a password sprayer on many addresses does not lock the owner out: after 40 failures from 40 addresses the owner logs in from their own', async () => {
    const owner = nextAddress();
    const username = await registerFrom(owner);
    for (let i = 0; i < 40; i++) {
      const response = await from(nextAddress()).post('/login', { username, password: `sprayed guess ${i}` });
      expect(response.status, `spray ${i + 1}`).toBe(400);
    }
    expect((await from(owner).post('/login', { username, password: PASSWORD })).status).toBe(303);
  });

  it('the owner still gets in from their own address while the guesser’s address is throttled for that username', async () => {
    const owner = nextAddress();
    const username = await registerFrom(owner);
    const guesser = nextAddress();
    for (let i = 0; i < 10; i++) await from(guesser).post('/login', { username, password: `guess ${i} guess` });
    expect((await from(guesser).post('/login', { username, password: PASSWORD })).status).toBe(429);
    expect((await from(owner).post('/login', { username, password: PASSWORD })).status).toBe(303);
  });

  it('parallel guesses cannot slip past the limit: of 25 simultaneous wrong logins for one username from one address at most 10 are checked, the rest answer 429', async () => {
    const username = await registerFrom(nextAddress());
    const guesser = nextAddress();
    const statuses = await Promise.all(
      Array.from({ length: 25 }, (_, i) => from(guesser).post('/login', { username, password: `parallel guess ${i}` }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 400)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect((await from(guesser).post('/login', { username, password: PASSWORD })).status).toBe(429);
  });

  it('the lock on one username from one address does not touch another username or an already logged-in session', async () => {
    const victim = await registerFrom(nextAddress());
    const bystander = await registerFrom(nextAddress());
    const loggedIn = from(nextAddress());
    expect((await loggedIn.post('/login', { username: victim, password: PASSWORD })).status).toBe(303);
    const attacker = nextAddress();
    for (let i = 0; i < 10; i++) await from(attacker).post('/login', { username: victim, password: `guess ${i} guess` });
    expect((await from(attacker).post('/login', { username: victim, password: PASSWORD })).status).toBe(429);
    expect((await from(attacker).post('/login', { username: bystander, password: PASSWORD })).status).toBe(303);
    expect((await loggedIn.get('/me')).status).toBe(200);
  });

  it('counts only failures: a successful login clears them', async () => {
    const username = await registerFrom(nextAddress());
    const person = nextAddress();
    for (let i = 0; i < 9; i++) await from(person).post('/login', { username, password: `first round ${i} wrong` });
    expect((await from(person).post('/login', { username, password: PASSWORD })).status).toBe(303);
    for (let i = 0; i < 10; i++) {
      expect((await from(person).post('/login', { username, password: `second round ${i} wrong` })).status).toBe(400);
    }
    expect((await from(person).post('/login', { username, password: PASSWORD })).status).toBe(429);
  });

  it('limits login attempts per address too: the 31st within 15 minutes answers 429, another address still gets in', async () => {
    const username = await registerFrom(nextAddress());
    const address = nextAddress();
    for (let i = 0; i < 30; i++) {
      // Different (unknown) usernames each time, so only the per-address rule can apply.
      const response = await from(address).post('/login', { username: `nobody-${i}-${counter}`, password: PASSWORD });
      expect(response.status, `attempt ${i + 1}`).toBe(400);
    }
    const blocked = await from(address).post('/login', { username, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 15 * 60);
    expect(await blocked.text()).toContain('You are doing that a lot.');
    expect((await from(nextAddress()).post('/login', { username, password: PASSWORD })).status).toBe(303);
  });
});

describe('limits on writes, per address', () => {
  it('registering: the 6th account from one address within an hour answers 429 with Retry-After and keeps the username', async () => {
    const address = nextAddress();
    for (let i = 0; i < 5; i++) await registerFrom(address);
    const username = uniqueName('sixth');
    const blocked = await from(address).post('/register', { username, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 60 * 60);
    const html = await blocked.text();
    expect(html).toMatch(/You are doing that a lot\. Please wait about \d+ minutes? and try again/);
    expect(html).toContain(`value="${username}"`);
    expect(count('SELECT count(*) AS n FROM users WHERE username = ?', username)).toBe(0);
    await registerFrom(nextAddress(), username);
  });

  it('posting stories: the 6th within an hour answers 429 with Retry-After and keeps the title and body', async () => {
    const browser = from(nextAddress());
    for (let i = 0; i < 5; i++) expect((await browser.post('/new', storyFields(`Allowed story number ${i} ${counter}`))).status).toBe(303);
    const blocked = await browser.post('/new', storyFields('The sixth story is one too many'));
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 60 * 60);
    const html = await blocked.text();
    expect(html).toContain('value="The sixth story is one too many"');
    expect(html).toContain('every request went to the database at once');
    expect(count("SELECT count(*) AS n FROM stories WHERE title = 'The sixth story is one too many'")).toBe(0);
  });

  it('commenting: the 31st comment within 10 minutes answers 429 with Retry-After and keeps the text', async () => {
    const story = await postStory();
    const browser = from(nextAddress());
    for (let i = 0; i < 30; i++) expect((await browser.post(story, { intent: 'comment', body: `Comment number ${i}` })).status).toBe(303);
    const blocked = await browser.post(story, { intent: 'comment', body: 'The comment over the limit' });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 10 * 60);
    const html = await blocked.text();
    expect(html).toMatch(/<textarea[^>]*>The comment over the limit<\/textarea>/);
    expect(html).toMatch(/You are doing that a lot/);
    expect(count("SELECT count(*) AS n FROM comments WHERE body_markdown = 'The comment over the limit'")).toBe(0);
  });

  it('reacting: the 121st reaction within 10 minutes answers 429 with Retry-After', async () => {
    const story = await postStory();
    const browser = from(nextAddress());
    // The bucket refills one reaction every 5 s (120 per 10 minutes), so on a slow machine a
    // reaction or two more may fit while the first 120 are sent: allow exactly what refilled.
    const started = Date.now();
    let allowed = 0;
    let blocked: Response | null = null;
    while (allowed <= 130) {
      const response = await browser.post(story, { reaction: 'been-there' });
      if (response.status === 429) {
        blocked = response;
        break;
      }
      expect(response.status, `reaction ${allowed + 1}`).toBe(303);
      allowed++;
    }
    const refilled = Math.ceil((Date.now() - started) / 5_000);
    expect(allowed).toBeGreaterThanOrEqual(120);
    expect(allowed).toBeLessThanOrEqual(120 + refilled);
    if (!blocked) throw new Error('no 429 after 130 reactions');
    expectRetryAfter(blocked, 10 * 60);
    expect(await blocked.text()).toMatch(/You are doing that a lot/);
  });

  it('reporting: the 11th report within an hour answers 429 with Retry-After and keeps the reason', async () => {
    const story = await postStory();
    const browser = from(nextAddress());
    for (let i = 0; i < 10; i++) {
      expect((await browser.post(story, { intent: 'report', targetType: 'story', reason: `Report number ${i}` })).status).toBe(303);
    }
    const blocked = await browser.post(story, { intent: 'report', targetType: 'story', reason: 'One report too many' });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 60 * 60);
    expect(await blocked.text()).toMatch(/name="reason"[^>]*value="One report too many"/);
    expect(count("SELECT count(*) AS n FROM reports WHERE reason = 'One report too many'")).toBe(0);
  });

  it('keeps each address’s allowance separate', async () => {
    const story = await postStory();
    const busy = from(nextAddress());
    for (let i = 0; i < 10; i++) await busy.post(story, { intent: 'report', targetType: 'story', reason: `Busy report ${i}` });
    expect((await busy.post(story, { intent: 'report', targetType: 'story', reason: 'Busy again' })).status).toBe(429);
    expect((await from(nextAddress()).post(story, { intent: 'report', targetType: 'story', reason: 'A calm reader' })).status).toBe(303);
  });
});

describe('limits on /me', () => {
  it('a follow-up from /me past the comment limit answers 429 with Retry-After and keeps the update typed', async () => {
    const member = from(nextAddress());
    expect((await member.post('/register', { username: uniqueName('limited'), password: PASSWORD })).status).toBe(303);
    const posted = await member.post('/new', storyFields(`Story of ${uniqueName('member')}`));
    const story = posted.headers.get('location')!;
    const id = /\/stories\/(\d+)/.exec(story)![1];
    for (let i = 0; i < 30; i++) expect((await member.post(story, { intent: 'comment', body: `Comment number ${i}` })).status).toBe(303);
    const blocked = await member.post('/me', { action: 'follow-up', story: id, followUp: 'The update over the limit' });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 10 * 60);
    const html = await blocked.text();
    expect(html).toMatch(/You are doing that a lot/);
    expect(html).toMatch(/<textarea[^>]*>The update over the limit<\/textarea>/);
    expect(count("SELECT count(*) AS n FROM story_follow_ups WHERE body_markdown = 'The update over the limit'")).toBe(0);
  });
});

describe('honeypots', () => {
  it('refuse a story, a comment and a report whose hidden "website" field was filled, storing nothing', async () => {
    const story = await postStory();
    const bot = from(nextAddress());
    const newStory = await bot.post('/new', { ...storyFields('Bot story through the honeypot'), website: 'http://spam.example' });
    expect(newStory.status).toBe(400);
    expect(await newStory.text()).toContain('leave the “website” field empty');
    const comment = await bot.post(story, { intent: 'comment', body: 'Bot comment through the honeypot', website: 'http://spam.example' });
    expect(comment.status).toBe(400);
    expect(await comment.text()).toMatch(/<textarea[^>]*>Bot comment through the honeypot<\/textarea>/);
    const reportResponse = await bot.post(story, { intent: 'report', targetType: 'story', reason: 'Bot report', website: 'x' });
    expect(reportResponse.status).toBe(400);
    expect(count("SELECT count(*) AS n FROM stories WHERE title = 'Bot story through the honeypot'")).toBe(0);
    expect(count("SELECT count(*) AS n FROM comments WHERE body_markdown = 'Bot comment through the honeypot'")).toBe(0);
    expect(count("SELECT count(*) AS n FROM reports WHERE reason = 'Bot report'")).toBe(0);
  });

  it('are present, empty and hidden from people on every public form', async () => {
    const story = await postStory();
    for (const path of ['/new', '/register', '/login', story]) {
      const html = await (await fetch(`${server.origin}${path}`)).text();
      expect(html, path).toMatch(/class="honeypot" aria-hidden="true"[^>]*>[\s\S]*?<input[^>]*name="website"[^>]*tabindex="-1"/);
    }
  });
});

describe('odd requests', () => {
  it('get a 4xx with a message, never a 500', async () => {
    const story = await postStory();
    const mod = from(nextAddress());
    const username = uniqueName('oddmod');
    await mod.post('/register', { username, password: PASSWORD });
    const db = new Database(server.databasePath);
    db.prepare("UPDATE users SET role = 'moderator' WHERE username = ?").run(username);
    db.close();

    const json = { 'content-type': 'application/json' };
    const cases: [Browser, string, Record<string, string>, Record<string, string>, number, RegExp][] = [
      [from(nextAddress()), '/login', { username: 'x'.repeat(5000), password: 'y' }, {}, 400, /do not match/],
      [from(nextAddress()), '/register', { username: '', password: '' }, {}, 400, /Choose a username/],
      [from(nextAddress()), '/register', { username: 'valid-name-json', password: PASSWORD }, json, 400, /Send this form as a normal web form\./],
      [from(nextAddress()), '/login', { username: 'someone', password: PASSWORD }, json, 400, /Send this form as a normal web form\./],
      [from(nextAddress()), story, { intent: 'nonsense' }, {}, 400, /That action is not known/],
      [from(nextAddress()), story, { intent: 'report', targetType: 'comment', targetId: 'abc', reason: 'bad id' }, {}, 404, /./],
      [mod, '/mod', { targetType: 'story', targetId: '-1', decision: 'hide' }, {}, 400, /Give the id of the story or comment\./],
      [mod, '/mod', { intent: 'redact', targetType: 'comment', targetId: '1', body: 'x'.repeat(6000) }, {}, 400, /The text must be 1–5000 characters\./],
    ];
    for (const [browser, path, fields, headers, status, message] of cases) {
      const response = await browser.post(path, fields, headers);
      expect(response.status, `${path} ${JSON.stringify(fields).slice(0, 80)}`).toBe(status);
      expect(await response.text()).toMatch(message);
    }
    const me = from(nextAddress());
    await me.post('/register', { username: uniqueName('odd'), password: PASSWORD });
    const unknown = await me.post('/me', { action: 'launch-rockets' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('That action is not known.');
    expect(server.output()).not.toMatch(/\b500\b|Error:/);
  });
});

describe('with RATE_LIMIT=off', () => {
  it('nothing is limited: 15 failed logins, then the right password still logs in', async () => {
    const relaxed = await startServer({ RATE_LIMIT: 'off' });
    try {
      const browser = new Browser(relaxed.origin, { 'x-forwarded-for': '192.0.2.10' });
      const username = uniqueName('relaxed');
      expect((await browser.post('/register', { username, password: PASSWORD })).status).toBe(303);
      for (let i = 0; i < 15; i++) {
        expect((await new Browser(relaxed.origin).post('/login', { username, password: `wrong ${i} wrong` })).status).toBe(400);
      }
      expect((await new Browser(relaxed.origin).post('/login', { username, password: PASSWORD })).status).toBe(303);
      for (let i = 0; i < 6; i++) {
        expect((await new Browser(relaxed.origin, { 'x-forwarded-for': '192.0.2.10' }).post('/register', { username: uniqueName('many'), password: PASSWORD })).status).toBe(303);
      }
    } finally {
      await relaxed.stop();
    }
  }, 60_000);
});

describe('without TRUST_PROXY', () => {
  it('ignores X-Forwarded-For, so a new made-up address per request does not escape the per-address limit', async () => {
    const direct = await startServer({ RATE_LIMIT: 'on' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const browser = new Browser(direct.origin, { 'x-forwarded-for': `198.51.100.${i + 1}` });
        statuses.push((await browser.post('/register', { username: uniqueName('spoof'), password: PASSWORD })).status);
      }
      expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
    } finally {
      await direct.stop();
    }
  }, 60_000);
});
