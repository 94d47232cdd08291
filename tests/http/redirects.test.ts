/** Where a form sends the person afterwards: same-site paths only, always a valid Location header. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, Browser, type TestServer } from '../helpers/server';
import { storyFormFields } from '../helpers/factories';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('return targets outside Latin-1', () => {
  it('records "been there" and returns to /€ percent-encoded instead of failing after the write', async () => {
    const person = new Browser(server.origin);
    const story = (await person.post('/new', storyFormFields())).headers.get('location')!;
    const reader = new Browser(server.origin);
    const answer = await reader.post(story, { reaction: 'been-there', return: '/€' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/%E2%82%AC');
    expect(await (await reader.get(story)).text()).toMatch(/aria-pressed="true"/);
  });

  it('saves content-note preferences and returns to a non-Latin-1 path encoded', async () => {
    const answer = await new Browser(server.origin).post('/preferences', { return: '/tags/ünïcode?x=€' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/tags/%C3%BCn%C3%AFcode?x=%E2%82%AC');
  });

  it('logs in and follows a next= path outside Latin-1, encoded', async () => {
    const person = new Browser(server.origin);
    const username = `next${Date.now().toString(36)}`;
    const password = 'a long and unusual passphrase 42';
    expect((await person.post('/register', { username, password })).status).toBe(303);
    await person.post('/logout', {});
    const answer = await person.post('/login', { username, password, next: '/€' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/%E2%82%AC');
  });
});
