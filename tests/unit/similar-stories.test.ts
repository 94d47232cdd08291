import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { makeStory } from '../helpers/factories';
import { findSimilarStories } from '../../src/server/search';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

describe('findSimilarStories', () => {
  it('ranks published stories by the words of the draft, best first, at most three', async () => {
    const dns = await makeStory(t.db, { title: 'A DNS change took every resolver down', body: '## What happened\n\nI changed the DNS zone and the resolver cache kept the bad record for a day. DNS everywhere failed.' });
    await makeStory(t.db, { title: 'The resolver that answered nothing', body: '## What happened\n\nOur resolver ran out of memory and DNS lookups timed out across the fleet.' });
    await makeStory(t.db, { title: 'Dropping the orders index', body: '## What happened\n\nI dropped an index on the orders table and checkout slowed to a crawl.' });
    for (let i = 0; i < 3; i++) await makeStory(t.db, { title: `DNS outage number ${i}`, body: '## What happened\n\nA DNS resolver problem, again, with the zone and the cache.' });
    const similar = await findSimilarStories(t.db, { title: 'My DNS zone mistake', body: 'I broke the DNS zone and the resolver cache served the wrong record.' });
    expect(similar.length).toBe(3);
    expect(similar.map((s) => s.title)).not.toContain('Dropping the orders index');
    expect(similar.every((s) => s.url.startsWith('/stories/'))).toBe(true);
    // The story sharing the most distinctive words (zone, resolver, cache, record) comes first.
    expect(similar[0].url).toBe(dns.url);
  });

  it('finds nothing for a draft that shares no words with any story, and never treats typed text as query syntax', async () => {
    await makeStory(t.db, { title: 'A DNS change took every resolver down' });
    expect((await findSimilarStories(t.db, { title: 'zebra xylophone', body: 'quokka "NEAR(" OR * ^title:' }))).toEqual([]);
    expect(await findSimilarStories(t.db, { title: '', body: '' })).toEqual([]);
  });

  it('leaves out stories not published yet', async () => {
    await makeStory(t.db, { title: 'A DNS change took every resolver down', delayPublication: true });
    expect(await findSimilarStories(t.db, { title: 'DNS resolver', body: 'DNS resolver zone' })).toEqual([]);
  });
});
