/** The public JSON view of a story: exactly what its page shows, never an author or a key. */
import type { Db } from './transaction';
import { getStoryById } from './feed';
import { listThread } from './comments';
import { isoDate, publicEditedAt } from '../lib/dates';
import { listFollowUps } from './follow-ups';

export async function storyJson(db: Db, id: number, origin: string) {
  const story = await getStoryById(db, id);
  if (!story) return null;
  const comments = (await listThread(db, id)).map((comment) => ({
    id: comment.id,
    parent: comment.parentId,
    pseudonym: comment.state === 'visible' ? comment.pseudonym : null,
    isOp: comment.state === 'visible' ? comment.isOp : false,
    html: comment.state === 'visible' ? comment.html : '',
    deleted: comment.state !== 'visible',
    created: isoDate(comment.createdAt),
    edited: comment.state === 'visible' && comment.editedAt ? isoDate(comment.editedAt) : null,
  }));
  const edited = publicEditedAt(story.editedAt, story.publishedAt);
  return {
    id: story.id,
    url: new URL(story.url, origin).href,
    title: story.title,
    html: story.bodyHtml,
    tags: story.tags.map((tag) => ({ slug: tag.slug, name: tag.name })),
    lessons: story.lessons.map((lesson) => ({ id: lesson.id, text: lesson.text, helpful: lesson.helpfulCount })),
    facts: story.facts,
    contentNotes: story.contentNotes,
    created: isoDate(story.publishedAt),
    edited: edited === null ? null : isoDate(edited),
    beenThere: story.beenThereCount,
    followUps: (await listFollowUps(db, id)).map((followUp) => ({ html: followUp.html, created: isoDate(followUp.createdAt) })),
    comments,
  };
}
