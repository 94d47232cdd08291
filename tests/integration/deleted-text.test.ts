/**
 * Deleted text in libSQL mode, searched for as tests/http/database.test.ts does in the default mode:
 * in the bytes of every file of the sqld primary's data folder and of both app servers' embedded
 * replicas (file, -wal, -shm, index), after a story is deleted with its comments and reports, a
 * comment deleted by its writer, words edited away and words redacted, and again after everything
 * is shut down. sqld runs as `npm run db:server` starts it (secure_delete extension, WAL checkpoints),
 * checkpointing every second instead of every minute.
 *
 * What sqld keeps by design is pinned down too: its replication log (wallog, and the snapshots it is
 * compacted into) still holds the old pages, the limit the README states. A sqld that stops keeping
 * them makes that expectation fail, and the README should then say so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, manageLinkIn, setUserRole, startServer, type TestServer } from '../helpers/server';
import { startSqld, type TestSqld } from '../helpers/sqld';
import { storyFormFields } from '../helpers/factories';
import { PRIMARY_KEEPS_DELETED_TEXT } from '../../src/server/deleted-text';

const PASSWORD = 'a long and unusual passphrase 42';
let sqld: TestSqld;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  sqld = await startSqld({ checkpointEverySeconds: 1 });
  const shared = { DATABASE_URL: sqld.url, DATABASE_SYNC_INTERVAL: '1' };
  [a, b] = await Promise.all([startServer(shared), startServer(shared)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await sqld?.stop();
});

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(entry.parentPath, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file of the primary and of both replicas that holds one of these words, named by where it is. */
function filesHolding(words: string[]): string[] {
  const places: [string, string][] = [
    ['sqld', sqld.dataDir],
    ['A', a.dataDir],
    ['B', b.dataDir],
  ];
  return places.flatMap(([name, dir]) =>
    filesUnder(dir)
      .filter((path) => {
        try {
          const bytes = readFileSync(path);
          return words.some((word) => bytes.includes(Buffer.from(word)));
        } catch {
          return false; // removed while we looked (sqld compacting)
        }
      })
      .map((path) => `${name}:${path.slice(dir.length)}`),
  );
}

/** sqld's replication log and what it is compacted into, which keep every page it ever wrote. */
const REPLICATION_LOG = /^sqld:\/data\.sqld\/dbs\/[^/]+\/(wallog|snapshots\/|to_compact\/)/;

/** The files outside sqld's replication log that hold the words, polled until none does or `ms` passed. */
async function databaseFilesStillHolding(words: string[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const holding = filesHolding(words).filter((file) => !REPLICATION_LOG.test(file));
    if (holding.length === 0 || Date.now() > deadline) return holding;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const uniqueWord = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 10)}`;

/** Posts a story whose title, text and lessons carry `word`; only its text when `onlyInText` (a redaction keeps the title's slug). */
async function postStory(person: Browser, word: string, onlyInText = false): Promise<string> {
  const posted = await person.post(
    '/new',
    storyFormFields({
      title: onlyInText ? 'The migration that locked every table' : `The ${word} migration that locked every table`,
      body: `## What happened\n\nI ran the ${word} migration on a Friday and it held a lock on the orders table for forty minutes while checkout timed out.\n\n## What I learned\n\nTry it on a copy first.`,
      lessons: onlyInText ? 'Rehearse on a copy' : `Rehearse ${word} on a copy\nNever on a Friday`,
    }),
  );
  expect(posted.status).toBe(303);
  return posted.headers.get('location')!;
}

async function comment(person: Browser, url: string, body: string): Promise<string> {
  const commented = await person.post(url, { intent: 'comment', body });
  expect(commented.status).toBe(303);
  return /#c(\d+)$/.exec(commented.headers.get('location')!)![1];
}

describe('deleted text in libSQL mode (one sqld, two servers with replicas)', () => {
  it('is gone from the primary’s database files and from every file of both replicas, also after shutdown', async () => {
    const storyWord = uniqueWord('zorbleflux');
    const storyCommentWord = uniqueWord('quibbleplank');
    const reportWord = uniqueWord('snarfwhistle');
    const deletedCommentWord = uniqueWord('gromwhistle');
    const editedWord = uniqueWord('flibbertine');
    const redactedWord = uniqueWord('snodgrassle');
    const words = [storyWord, storyCommentWord, reportWord, deletedCommentWord, editedWord, redactedWord];

    // Written on A: a story (to be deleted by its author) with a comment and a report quoting it.
    const author = new Browser(a.origin);
    const reader = new Browser(a.origin);
    const doomed = await postStory(author, storyWord);
    const manage = manageLinkIn(await (await author.get(doomed)).text());
    await comment(reader, doomed, `Same here, the ${storyCommentWord} job did that to us.`);
    expect((await reader.post(doomed, { intent: 'report', targetType: 'story', reason: `It names ${reportWord} from our team` })).status).toBe(303);

    // A story that stays: a comment deleted by its writer, one edited, and the story redacted by a moderator.
    const kept = await postStory(new Browser(a.origin), redactedWord, true);
    const keptId = /^\/stories\/(\d+)-/.exec(kept)![1];
    const deletedComment = await comment(reader, kept, `I did the ${deletedCommentWord} thing too.`);
    const editedComment = await comment(reader, kept, `Our ${editedWord} runbook said the same.`);
    const moderator = new Browser(a.origin);
    const modName = uniqueWord('mod');
    expect((await moderator.post('/register', { username: modName, password: PASSWORD })).status).toBe(303);
    setUserRole(a, modName, 'moderator');

    // B's replica receives all of it before anything is deleted, so B has something to forget.
    for (const word of words) {
      await expect.poll(() => filesHolding([word]).some((file) => file.startsWith('B:')), { timeout: 15_000 }).toBe(true);
    }

    expect((await author.post(`${manage}?do=manage`, { action: 'delete', confirm: 'yes' })).status).toBe(303);
    expect((await reader.post(kept, { intent: 'delete-comment', comment: deletedComment })).status).toBe(303);
    expect((await reader.post(kept, { intent: 'edit-comment', comment: editedComment, body: 'Our runbook said the same.' })).status).toBe(303);
    const redacted = await moderator.post('/mod', {
      intent: 'redact',
      targetType: 'story',
      targetId: keptId,
      title: 'The migration that locked every table',
      body: '## What happened\n\nI ran the [name] migration on a Friday and it held a lock on the orders table for forty minutes.',
      note: 'Removed a name',
    });
    expect(redacted.status).toBe(303);

    // A's replica is checkpointed after each deletion, B's within its 30 s round, sqld's WAL within a second.
    expect(await databaseFilesStillHolding(words, 60_000)).toEqual([]);
    expect(filesHolding(words).filter((file) => REPLICATION_LOG.test(file))).not.toEqual([]);

    expect(a.output()).not.toContain(PRIMARY_KEEPS_DELETED_TEXT);
    await Promise.all([a.shutdown(), b.shutdown()]);
    await sqld.shutdown();
    expect(filesHolding(words).filter((file) => !REPLICATION_LOG.test(file))).toEqual([]);
  }, 180_000);
});

describe('a primary started without the secure-delete extension', () => {
  it('makes the server say at start that deleted text stays in the primary’s files', async () => {
    const plain = await startSqld();
    try {
      const server = await startServer({ DATABASE_URL: plain.url });
      await server.stop();
      expect(server.output()).toContain(PRIMARY_KEEPS_DELETED_TEXT);
    } finally {
      await plain.stop();
    }
  });
});
