/**
 * A story's comment thread as HTML strings (issue 10). Astro markup per comment cost most of the
 * render of a 500-comment story; joining strings costs a small part of it. The rules:
 * - every text and attribute value goes through escapeHtml();
 * - a comment's body is the HTML renderMarkdown() sanitized when it was saved (`comment.html`),
 *   inserted as is, exactly as `set:html` did before; nothing else is inserted unescaped.
 *
 * Each comment carries links, not forms: Reply, Edit, Report and Mute open their form for that one
 * comment (?reply=id, ?edit=id, ?report=id, ?mute=id), so a long thread does not repeat them
 * hundreds of times, and every one works without JavaScript. The links are relative ("?reply=7#c7"):
 * the story page is only ever served at its canonical path (another slug answers 301).
 * Only the reader's own comments (Delete) and muted ones (Unmute) carry a one-button form.
 */
import type { ThreadComment } from '../../server/comments';
import { withinEditWindow } from '../../server/comments';
import { LIMITS } from '../../lib/limits';
import { isoDate, timeAgo } from '../../lib/dates';
import { plural } from '../../lib/labels';
import { escapeHtml as esc } from '../../lib/html';

export interface ThreadView {
  storyUrl: string;
  comments: ThreadComment[];
  /** Comment ids the reader wrote (they may delete them, and edit them for a while). */
  ownIds: Set<number>;
  isModerator: boolean;
  /** Pseudonyms this reader muted in this story. */
  muted: Set<string>;
  /** The comment whose "mute this person?" form is open (?mute=id). */
  muteOf: number | null;
  /** Comments with a form or message open below them; the page renders those (see ThreadPart). */
  openIds: Set<number>;
  /** Comments being edited: the edit form takes the place of their text and links. */
  editingIds: Set<number>;
  now: number;
}

/** HTML, or the place inside a comment where the page puts that comment's open forms. */
export type ThreadPart = string | { open: ThreadComment };

/** Whether the reader may still edit this comment (theirs, visible, within the edit window). */
export function isEditable(comment: ThreadComment, ownIds: Set<number>, now: number): boolean {
  return ownIds.has(comment.id) && comment.state === 'visible' && withinEditWindow(comment.createdAt, now);
}

/** The thread in reading order, each top-level comment with its replies folded in a <details>. */
export function renderThread(view: ThreadView): ThreadPart[] {
  const parts: ThreadPart[] = [];
  let html = '<ol class="threads">';
  const { comments } = view;
  for (let i = 0; i < comments.length; i++) {
    const comment = comments[i];
    if (comment.depth === 0 || i === 0) {
      if (i > 0) html += '</ol></details></li>';
      html += threadStart(comments, i);
    }
    html += commentStart(comment, view);
    if (view.openIds.has(comment.id)) {
      parts.push(html);
      parts.push({ open: comment });
      html = '';
    }
    html += '</li>';
  }
  if (comments.length > 0) html += '</ol></details></li>';
  parts.push(html + '</ol>');
  return parts;
}

/** The fold of the thread starting at comments[start]: "Thread by X · 3 replies". */
function threadStart(comments: ThreadComment[], start: number): string {
  let end = start + 1;
  while (end < comments.length && comments[end].depth > 0) end++;
  const root = comments[start];
  const replies = end - start - 1;
  const name = root.state === 'deleted' ? '[deleted]' : root.pseudonym;
  return `<li><details class="thread-fold" open><summary>Thread by ${esc(name)}${replies > 0 ? ` · ${plural(replies, 'reply', 'replies')}` : ''}</summary><ol>`;
}

/** A comment up to (not including) its closing tag: who and when, the text, the links. */
function commentStart(comment: ThreadComment, view: ThreadView): string {
  const { id, state } = comment;
  const own = view.ownIds.has(id);
  const deleted = state === 'deleted';
  const removed = deleted || (state === 'hidden' && !view.isModerator);
  const isMuted = state === 'visible' && !own && view.muted.has(comment.pseudonym);
  const editing = view.editingIds.has(id);
  const indent = Math.min(comment.depth, LIMITS.commentIndentDepth);

  let html = `<li id="c${id}" class="comment indent-${indent}${removed ? ' removed' : ''}${isMuted ? ' is-muted' : ''}"><div class="meta"><span class="who">${deleted ? '[deleted]' : esc(comment.pseudonym)}</span>`;
  if (comment.isOp && !deleted) html += ' <span class="op" title="The person who wrote the story">OP</span>';
  if (state === 'hidden') html += ' <span class="hidden-badge">hidden by a moderator</span>';
  html += ` <a class="when" href="#c${id}"><time datetime="${isoDate(comment.createdAt)}">${timeAgo(comment.createdAt, view.now)}</time></a>`;
  if (comment.editedAt && state === 'visible') html += ' <span class="edited">edited</span>';
  if (comment.depth > LIMITS.commentIndentDepth && comment.parentPseudonym) {
    html += ` <a class="in-reply" href="#c${comment.parentId}">in reply to ${esc(comment.parentPseudonym)}</a>`;
  }
  html += '</div>';

  const body = deleted
    ? '<p class="placeholder">[deleted]</p>'
    : removed
      ? '<p class="placeholder">[removed by a moderator]</p>'
      : `<div class="prose compact">${comment.html}</div>`;
  if (isMuted) html += `<details class="muted-fold"><summary>You muted ${esc(comment.pseudonym)} in this story — show this comment</summary>${body}</details>`;
  else if (!editing) html += body;

  if (state !== 'visible' || editing) return html;
  const here = `${id}#c${id}`;
  html += `<div class="comment-actions"><a href="?reply=${here}">Reply</a>`;
  if (isEditable(comment, view.ownIds, view.now)) html += ` <a href="?edit=${here}">Edit</a>`;
  if (own) html += ` ${oneButtonForm(view.storyUrl, { intent: 'delete-comment', comment: String(id) }, 'Delete', 'link')}`;
  html += ` <a class="muted" href="?report=${here}">Report</a>`;
  if (!own) {
    html += isMuted
      ? ` ${oneButtonForm(view.storyUrl, { intent: 'unmute', pseudonym: comment.pseudonym, return: `${view.storyUrl}#c${id}` }, `Unmute ${comment.pseudonym}`, 'link muted')}`
      : ` <a class="muted" href="?mute=${here}">Mute</a>`;
  }
  html += '</div>';
  if (view.muteOf === id && !own && !isMuted) html += muteForm(comment, view.storyUrl);
  return html;
}

/** A POST form of hidden fields and one button. */
function oneButtonForm(action: string, fields: Record<string, string>, label: string, buttonClass: string): string {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${name}" value="${esc(value)}">`).join('');
  return `<form method="post" action="${esc(action)}" class="inline-form">${inputs}<button type="submit" class="${buttonClass}">${esc(label)}</button></form>`;
}

/** "Mute this person?" for the one comment asked about (?mute=id): says what muting does first. */
function muteForm(comment: ThreadComment, storyUrl: string): string {
  const name = esc(comment.pseudonym);
  const back = `${storyUrl}#c${comment.id}`;
  return `<form method="post" action="${esc(storyUrl)}" class="mute-form"><input type="hidden" name="intent" value="mute"><input type="hidden" name="pseudonym" value="${name}"><input type="hidden" name="return" value="${esc(back)}">`
    + `<p>Fold away ${name}’s comments in this story? Only for you: it is kept in a cookie on this device, and nobody is told.</p>`
    + `<div class="row"><button type="submit" class="primary" autofocus>Mute ${name}</button> <a href="${esc(back)}">Cancel</a></div></form>`;
}
