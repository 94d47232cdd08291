import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, onLibsql, statementsDuring } from '../helpers/db';
import { makeStory, newAuthor } from '../helpers/factories';
import { addComment, deleteOwnComment, listThread } from '../../src/server/comments';
import { toggleBeenThere, toggleHelpful } from '../../src/server/reactions';
import { getStoryById } from '../../src/server/feed';
import { pseudonymFor } from '../../src/server/authors';
import { listStoriesOfType, outcomeSummaryForStory } from '../../src/server/not-alone';
import { decide } from '../../src/server/moderation';
import { getFailureTypeBySlug } from '../../src/server/failure-types';
import { ServiceError } from '../../src/server/errors';
import { storyJson } from '../../src/server/story-json';
import { closeDatabase, sqliteWriterOf } from '../../src/server/transaction';
import { renderThread, type ThreadView } from '../../src/components/comment/thread-html';
import type { ThreadComment } from '../../src/server/comments';

/** The thread's HTML as a reader with nothing open sees it (the parts joined, forms left out). */
function threadHtml(comments: ThreadComment[], view: Partial<ThreadView> = {}): string {
  const parts = renderThread({
    storyUrl: '/stories/1-a-story', comments, ownIds: new Set(), isModerator: false, muted: new Set(),
    muteOf: null, openIds: new Set(), editingIds: new Set(), now: Date.now(), ...view,
  });
  return parts.map((part) => (typeof part === 'string' ? part : `[forms of ${part.open.id}]`)).join('');
}

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

const actor = (authorId: number) => ({ authorId, userId: null });

describe('comment threads', () => {
  it('nests replies ten deep and reads them back in thread order with depth', async () => {
    const story = await makeStory(t.db);
    const people = [await newAuthor(t.db), await newAuthor(t.db)];
    let parent: number | null = null;
    const chain: number[] = [];
    for (let depth = 0; depth < 10; depth++) {
      const { id } = await addComment(t.db, { storyId: story.id, parentId: parent, body: `Reply at depth ${depth}`, actor: actor(people[depth % 2]) });
      chain.push(id);
      parent = id;
    }
    const sibling = await addComment(t.db, { storyId: story.id, parentId: chain[0], body: 'Second reply to the first', actor: actor(people[1]) });
    const thread = await listThread(t.db, story.id);
    expect(thread.map((c) => c.id)).toEqual([...chain, sibling.id]);
    expect(thread.map((c) => c.depth)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    expect(thread[9].parentPseudonym).toBe(thread[8].pseudonym);
  });

  // Default mode only: it watches the SQLite connection or file itself.
  it.skipIf(onLibsql)('reads and renders a 500-comment story with one query, in order', async () => {
    const story = await makeStory(t.db);
    const author = await newAuthor(t.db);
    let lastTop = 0;
    for (let i = 0; i < 500; i++) {
      const parentId = i % 5 === 0 ? null : lastTop;
      const { id } = await addComment(t.db, { storyId: story.id, parentId, body: `Comment ${i}`, actor: actor(author) });
      if (parentId === null) lastTop = id;
    }
    let thread: Awaited<ReturnType<typeof listThread>> = [];
    let html = '';
    // What the story page does with the thread: read it, then build its HTML (which takes no database).
    const statements = await statementsDuring(t.reader, async () => {
      thread = await listThread(t.db, story.id);
      html = threadHtml(thread);
    });
    expect(thread).toHaveLength(500);
    expect(statements).toHaveLength(1);
    expect(html.match(/<li id="c\d+"/g)).toHaveLength(500);
    expect((await getStoryById(t.db, story.id))!.commentCount).toBe(500);
  });

  it('gives one person the same pseudonym within a story and different ones across stories', async () => {
    const a = await makeStory(t.db);
    const b = await makeStory(t.db);
    const person = await newAuthor(t.db);
    const first = await addComment(t.db, { storyId: a.id, parentId: null, body: 'Hello', actor: actor(person) });
    const second = await addComment(t.db, { storyId: a.id, parentId: null, body: 'Again', actor: actor(person) });
    const elsewhere = await addComment(t.db, { storyId: b.id, parentId: null, body: 'Hi', actor: actor(person) });
    const threadA = await listThread(t.db, a.id);
    expect(threadA.find((c) => c.id === first.id)!.pseudonym).toBe(threadA.find((c) => c.id === second.id)!.pseudonym);
    expect((await listThread(t.db, b.id)).find((c) => c.id === elsewhere.id)!.pseudonym).not.toBe(threadA[0].pseudonym);
    expect(pseudonymFor(person, a.id)).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{1,2}$/);
  });

  it('marks the story author as OP in their own thread only', async () => {
    const op = await newAuthor(t.db);
    const story = await makeStory(t.db, {}, { authorId: op });
    const other = await makeStory(t.db);
    await addComment(t.db, { storyId: story.id, parentId: null, body: 'Thanks everyone', actor: actor(op) });
    await addComment(t.db, { storyId: story.id, parentId: null, body: 'Me too', actor: actor(await newAuthor(t.db)) });
    await addComment(t.db, { storyId: other.id, parentId: null, body: 'Not my story', actor: actor(op) });
    expect((await listThread(t.db, story.id)).map((c) => c.isOp)).toEqual([true, false]);
    expect((await listThread(t.db, other.id))[0].isOp).toBe(false);
  });

  it('rejects a reply whose parent is on another story', async () => {
    const a = await makeStory(t.db);
    const b = await makeStory(t.db);
    const person = await newAuthor(t.db);
    const onA = await addComment(t.db, { storyId: a.id, parentId: null, body: 'On A', actor: actor(person) });
    await expect(addComment(t.db, { storyId: b.id, parentId: onA.id, body: 'Sneaky', actor: actor(person) })).rejects.toThrowError(/not part of this story/);
  });

  it('keeps a deleted comment with replies as [deleted] and drops a leaf entirely', async () => {
    const story = await makeStory(t.db);
    const me = await newAuthor(t.db);
    const you = await newAuthor(t.db);
    const parent = await addComment(t.db, { storyId: story.id, parentId: null, body: 'My secret words', actor: actor(me) });
    const reply = await addComment(t.db, { storyId: story.id, parentId: parent.id, body: 'A reply', actor: actor(you) });
    const leaf = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Leaf', actor: actor(me) });
    await deleteOwnComment(t.db, parent.id, actor(me));
    await deleteOwnComment(t.db, leaf.id, actor(me));
    const thread = await listThread(t.db, story.id);
    expect(thread.map((c) => [c.id, c.state])).toEqual([[parent.id, 'deleted'], [reply.id, 'visible']]);
    expect(thread[0].html).toBe('');
    const raw = (await t.row<{ body_markdown: string }>('SELECT body_markdown FROM comments WHERE id = ?', parent.id))!;
    expect(raw.body_markdown).toBe('');
    expect((await getStoryById(t.db, story.id))!.commentCount).toBe(1);
  });

  it('refuses to delete someone else’s comment', async () => {
    const story = await makeStory(t.db);
    const mine = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Mine', actor: actor(await newAuthor(t.db)) });
    await expect(deleteOwnComment(t.db, mine.id, actor(await newAuthor(t.db)))).rejects.toThrowError(ServiceError);
  });

  it('renders hostile Markdown in comments inert', async () => {
    const story = await makeStory(t.db);
    await addComment(t.db, {
      storyId: story.id,
      parentId: null,
      body: '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>',
      actor: actor(await newAuthor(t.db)),
    });
    const [comment] = await listThread(t.db, story.id);
    expect(comment.html).not.toMatch(/<script|href="\s*javascript:|onerror=|<img/i);
    expect(comment.html).toContain('[x]'); // kept as harmless text, not dropped
  });
});

describe('"been there" and "helpful"', () => {
  it('counts one per person and takes it back on a second press', async () => {
    const story = await makeStory(t.db);
    const me = await newAuthor(t.db);
    expect(await toggleBeenThere(t.db, story.id, me)).toEqual({ active: true, count: 1 });
    expect(await toggleBeenThere(t.db, story.id, await newAuthor(t.db))).toEqual({ active: true, count: 2 });
    expect(await toggleBeenThere(t.db, story.id, me)).toEqual({ active: false, count: 1 });
    expect((await getStoryById(t.db, story.id))!.beenThereCount).toBe(1);
  });

  // Default mode only: it watches the SQLite connection or file itself.
  it.skipIf(onLibsql)('never counts twice when the same person presses from two connections at once', async () => {
    const story = await makeStory(t.db);
    const me = await newAuthor(t.db);
    const { openDatabase } = await import('../../src/server/db');
    const second = await openDatabase(t.path);
    // Both connections insert; the primary key lets only one row exist.
    t.sqlite.prepare('INSERT OR IGNORE INTO story_reactions (story_id, author_id, created_at) VALUES (?, ?, 1)').run(story.id, me);
    sqliteWriterOf(second)!.prepare('INSERT OR IGNORE INTO story_reactions (story_id, author_id, created_at) VALUES (?, ?, 1)').run(story.id, me);
    const rows = t.sqlite.prepare('SELECT count(*) AS n FROM story_reactions WHERE story_id = ?').get(story.id) as { n: number };
    expect(rows.n).toBe(1);
    closeDatabase(second);
  });

  it('marks a lesson helpful once per person, only within its own story', async () => {
    const story = await makeStory(t.db);
    const other = await makeStory(t.db);
    const lessonId = (await getStoryById(t.db, story.id))!.lessons[0].id;
    const me = await newAuthor(t.db);
    expect((await toggleHelpful(t.db, story.id, lessonId, me)).count).toBe(1);
    expect((await toggleHelpful(t.db, story.id, lessonId, me)).count).toBe(0);
    await expect(toggleHelpful(t.db, other.id, lessonId, me)).rejects.toThrowError(ServiceError);
  });
});

describe('not alone', () => {
  it('lists the newest other visible stories of one failure type ("N more stories about X")', async () => {
    const dns = (await getFailureTypeBySlug(t.db, 'dns'))!.id;
    const base = await makeStory(t.db, { tags: ['dns'] });
    const older = await makeStory(t.db, { tags: ['cache', 'dns'] }, { now: Date.now() - 5 * 60_000 });
    const newer = await makeStory(t.db, { tags: ['dns'] });
    const hidden = await makeStory(t.db, { tags: ['dns'] });
    await decide(t.db, { targetType: 'story', targetId: hidden.id, decision: 'hide' });
    await makeStory(t.db, { tags: ['cache'] });
    expect((await listStoriesOfType(t.db, dns, base.id)).map((s) => s.id)).toEqual([newer.id, older.id]);
  });

  it('summarises how stories of the same type ended', async () => {
    const mine = await makeStory(t.db, { tags: ['dns'] });
    await makeStory(t.db, { tags: ['dns'], outcome: 'talk' });
    await makeStory(t.db, { tags: ['dns'], outcome: 'nothing' });
    await makeStory(t.db, { tags: ['dns'], outcome: 'fired' });
    await makeStory(t.db, { tags: ['dns'], outcome: undefined });
    const summary = await outcomeSummaryForStory(t.db, mine.id);
    expect(summary.others).toBe(4);
    expect(summary.keptJob).toBe(2);
    expect(summary.told).toBe(3);
  });
});

describe('the JSON view', () => {
  it('shows comments in thread order with pseudonyms and never an author', async () => {
    const op = await newAuthor(t.db);
    const story = await makeStory(t.db, {}, { authorId: op });
    const top = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Top', actor: actor(await newAuthor(t.db)) });
    await addComment(t.db, { storyId: story.id, parentId: top.id, body: 'OP reply', actor: actor(op) });
    await toggleBeenThere(t.db, story.id, op);
    const json = (await storyJson(t.db, story.id, 'http://example.test'))!;
    expect(json.beenThere).toBe(1);
    expect(json.comments.map((c) => [c.parent, c.isOp])).toEqual([[null, false], [top.id, true]]);
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/author|keyHash|manage/i);
  });
});

describe('the thread’s HTML', () => {
  const comment = (over: Partial<ThreadComment>): ThreadComment => ({
    id: 7, parentId: null, depth: 0, pseudonym: 'Quiet Otter 69', isOp: false, html: '<p>Stored, sanitized <strong>HTML</strong></p>',
    bodyMarkdown: 'Stored, sanitized **HTML**', state: 'visible', createdAt: Date.now() - 60 * 60 * 1000 * 5, editedAt: null,
    replyCount: 0, authorId: 1, parentPseudonym: null, ...over,
  });

  it('escapes every text and attribute it builds and inserts only the stored sanitized body as HTML', () => {
    const html = threadHtml([comment({ pseudonym: '<img src=x onerror=alert(1)> "Tom" & \'Jerry\'' })], {
      muted: new Set(), muteOf: 7,
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;Tom&quot; &amp; &#39;Jerry&#39;');
    expect(html).toContain('<div class="prose compact"><p>Stored, sanitized <strong>HTML</strong></p></div>');
  });

  it('escapes a pseudonym in every other place it appears: "in reply to", the muted fold and its Unmute form', () => {
    const hostile = '<img src=x onerror=alert(1)> "x"';
    const html = threadHtml(
      [comment({ id: 7, pseudonym: hostile }), comment({ id: 8, parentId: 7, depth: 7, parentPseudonym: hostile })],
      { muted: new Set([hostile]) },
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('in reply to &lt;img src=x onerror=alert(1)&gt; &quot;x&quot;</a>');
    expect(html).toContain('<summary>You muted &lt;img');
    expect(html).toContain('name="pseudonym" value="&lt;img src=x onerror=alert(1)&gt; &quot;x&quot;"');
    expect(html).toContain('>Unmute &lt;img src=x onerror=alert(1)&gt; &quot;x&quot;</button>');
  });

  it('gives each comment links that open a form for that comment only, and no form of its own', () => {
    const html = threadHtml([comment({ id: 7 }), comment({ id: 8, parentId: 7, depth: 1 })]);
    expect(html).not.toContain('<form');
    for (const id of [7, 8]) {
      for (const action of ['reply', 'report', 'mute']) expect(html).toContain(`href="?${action}=${id}#c${id}"`);
    }
    // ?mute=8 opens the form that says what muting does, for comment 8 alone.
    const asked = threadHtml([comment({ id: 7 }), comment({ id: 8, parentId: 7, depth: 1 })], { muteOf: 8 });
    expect(asked.match(/<form/g)).toHaveLength(1);
    expect(asked).toMatch(/<li id="c8"[^]*<form method="post" action="\/stories\/1-a-story" class="mute-form">[^]*name="intent" value="mute"[^]*Only for you[^]*Mute Quiet Otter 69<\/button>/);
  });

  it('keeps Edit and Delete for the reader’s own comment, and a one-click Unmute on a muted one', () => {
    const html = threadHtml([comment({ id: 7, createdAt: Date.now() - 60_000 }), comment({ id: 8, pseudonym: 'Loud Pager 3' })], { ownIds: new Set([7]), muted: new Set(['Loud Pager 3']) });
    const own = html.slice(html.indexOf('<li id="c7"'), html.indexOf('<li id="c8"'));
    expect(own).toContain('href="?edit=7#c7">Edit</a>');
    expect(own).toMatch(/name="intent" value="delete-comment"><input type="hidden" name="comment" value="7"><button type="submit" class="link">Delete<\/button>/);
    expect(own).not.toContain('?mute=7');
    const muted = html.slice(html.indexOf('<li id="c8"'));
    expect(muted).toContain('<details class="muted-fold"><summary>You muted Loud Pager 3 in this story — show this comment</summary>');
    expect(muted).toContain('name="intent" value="unmute"');
    expect(muted).toContain('>Unmute Loud Pager 3</button>');
    // Past the edit window the link goes; Delete stays.
    const later = threadHtml([comment({ id: 7 })], { ownIds: new Set([7]) });
    expect(later).not.toContain('?edit=7');
    expect(later).toContain('>Delete</button>');
  });

  it('places the forms a reader opened inside their comment, and nests threads in folds', () => {
    const html = threadHtml(
      [comment({ id: 7 }), comment({ id: 8, parentId: 7, depth: 1 }), comment({ id: 9 })],
      { openIds: new Set([8]) },
    );
    expect(html).toMatch(/<li id="c8" class="comment indent-1">[^]*\[forms of 8\]<\/li>/);
    expect(html.match(/<details class="thread-fold" open>/g)).toHaveLength(2);
    expect(html).toContain('<summary>Thread by Quiet Otter 69 · 1 reply</summary>');
  });
});
