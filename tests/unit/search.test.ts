import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, onLibsql, statementsDuring, type TestDb } from '../helpers/db';
import { makeStory, newAuthor } from '../helpers/factories';
import { searchAll, pickRandomStory } from '../../src/server/search';
import { addComment } from '../../src/server/comments';
import { decide } from '../../src/server/moderation';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

describe('search', () => {
  it('ranks a story whose title matches above short lessons and comments that mention the word', async () => {
    const titled = await makeStory(t.db, { title: 'The flamingo deploy that took down checkout', body: 'A long story about something else entirely. '.repeat(20) });
    const other = await makeStory(t.db, { lessons: ['Flamingo flamingo: always check the flamingo'] });
    await addComment(t.db, { storyId: other.id, parentId: null, body: 'flamingo', actor: { authorId: await newAuthor(t.db), userId: null } });
    const result = await searchAll(t.db, 'flamingo');
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.hits[0]).toMatchObject({ kind: 'story', storyId: titled.id });
    expect(result.hits.map((h) => h.kind).sort()).toEqual(['comment', 'lesson', 'story']);
  });

  it('escapes user text in snippets and marks only the matches', async () => {
    await makeStory(t.db, { body: 'We typed <script>alert(1)</script> into the pelican console and it ran against production.' });
    const result = await searchAll(t.db, 'pelican');
    if (result.status !== 'ok') throw new Error(result.status);
    expect(result.hits[0].snippetHtml).toContain('&lt;script&gt;');
    expect(result.hits[0].snippetHtml).toContain('<mark>pelican</mark>');
    expect(result.hits[0].snippetHtml).not.toContain('<script>');
  });

  it('drops hidden stories and hidden comments from results', async () => {
    const story = await makeStory(t.db, { title: 'A walrus in the replica set' });
    const { id } = await addComment(t.db, { storyId: (await makeStory(t.db)).id, parentId: null, body: 'walrus too', actor: { authorId: await newAuthor(t.db), userId: null } });
    await decide(t.db, { targetType: 'story', targetId: story.id, decision: 'hide' });
    await decide(t.db, { targetType: 'comment', targetId: id, decision: 'hide' });
    const result = await searchAll(t.db, 'walrus');
    expect(result.status === 'ok' && result.hits).toEqual([]);
  });
  it.skipIf(onLibsql)('lets FTS5 hand matches over best first, so only the rows shown are joined and snippeted', async () => {
    const story = await makeStory(t.db, { title: 'The heron migration', lessons: ['Rehearse every heron migration'], tags: ['database'] });
    await addComment(t.db, { storyId: story.id, parentId: null, body: 'heron here too', actor: { authorId: await newAuthor(t.db), userId: null } });
    const statements = [
      ...(await statementsDuring(t.reader, () => searchAll(t.db, 'heron'))),
      ...(await statementsDuring(t.reader, () => searchAll(t.db, 'heron tag:database'))),
    ];
    const searches = statements.filter((source) => /_fts MATCH/.test(source));
    expect(searches).toHaveLength(6);
    for (const source of searches) {
      const plan = (t.reader.prepare(`EXPLAIN QUERY PLAN ${source}`).all('[', ']', '"heron"', Date.now(), ...(source.includes('json_each') ? ['["database"]'] : []), 50) as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
      // A sorter here means SQLite scored, joined and snippeted every match before keeping 50.
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect(plan).toMatch(/^SCAN \w+_fts VIRTUAL TABLE/);
    }
  });
});

describe('the bad-day button', () => {
  it('prefers stories that ended well, and falls back to any visible story', async () => {
    const good = await makeStory(t.db, { outcome: 'nothing' });
    await makeStory(t.db, { outcome: 'fired' });
    for (const r of [0, 0.3, 0.6, 0.99]) expect((await pickRandomStory(t.db, { random: () => r }))?.id).toBe(good.id);
    await decide(t.db, { targetType: 'story', targetId: good.id, decision: 'delete' });
    expect(await pickRandomStory(t.db)).not.toBeNull();
  });

  it('answers null on an empty site', async () => {
    expect(await pickRandomStory(t.db)).toBeNull();
  });
});

describe('the public moderation log', () => {
  it('never republishes identifying details quoted in a report reason', async () => {
    const { fileReport, listModerationLog } = await import('../../src/server/moderation');
    const story = await makeStory(t.db);
    await fileReport(t.db, { storyId: story.id, targetType: 'story', targetId: story.id, reason: 'It names my lead Sarah Jenkins and mails ops@example-corp.com' });
    await decide(t.db, { targetType: 'story', targetId: story.id, decision: 'hide' });
    const [entry] = (await listModerationLog(t.db)).entries;
    expect(entry.reason).not.toMatch(/Sarah|Jenkins|ops@example-corp\.com/);
    expect(entry.reason).toContain('an e-mail address');
    expect(entry.reason).toContain('a teammate');
  });
});

describe('grouping search results', () => {
  it('shows each story once, first where it ranked best, with every place it matched', async () => {
    const { groupHitsByStory } = await import('../../src/lib/search-results');
    const hit = (kind: 'story' | 'lesson' | 'comment', storyId: number, anchor = '') => ({
      kind, storyId, storyTitle: `Story ${storyId}`, url: `/stories/${storyId}-s${anchor}`, snippetHtml: '',
    });
    const groups = groupHitsByStory([hit('story', 2), hit('story', 1), hit('lesson', 2, '#l5'), hit('comment', 1, '#c9')]);
    expect(groups.map((g) => [g.storyId, g.storyUrl, g.hits.map((h) => h.kind)])).toEqual([
      [2, '/stories/2-s', ['story', 'lesson']],
      [1, '/stories/1-s', ['story', 'comment']],
    ]);
  });
});

describe('search snippets and operators (issue 13)', () => {
  it('shows snippets as words, without Markdown syntax', async () => {
    await makeStory(t.db, { body: '## What happened\n\nThe **pelican** job ran `twice` and [the docs](https://example.com/x) said _nothing_.\n\n- one pelican\n> quoted pelican' });
    const outcome = await searchAll(t.db, 'pelican');
    if (outcome.status !== 'ok') throw new Error(outcome.status);
    const snippet = outcome.hits.find((h) => h.kind === 'story')!.snippetHtml;
    expect(snippet).toContain('What happened The <mark>pelican</mark> job ran twice and the docs said nothing.');
    expect(snippet).not.toMatch(/##|\*\*|`|\]\(|&gt; quoted/);
  });

  it('finds stories by a prefix with * and by either word with OR', async () => {
    const migration = await makeStory(t.db, { title: 'The migration that locked the orders table' });
    const dns = await makeStory(t.db, { title: 'A DNS change took every resolver down' });
    const found = async (q: string) => {
      const outcome = await searchAll(t.db, q);
      return outcome.status === 'ok' ? outcome.hits.filter((h) => h.kind === 'story').map((h) => h.storyId) : [];
    };
    expect(await found('migrat*')).toContain(migration.id);
    expect((await found('locked OR resolver')).sort()).toEqual([migration.id, dns.id].sort());
  });
});
