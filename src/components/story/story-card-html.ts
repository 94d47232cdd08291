/**
 * A story card as one HTML string. A feed page shows 20 cards; as Astro components (a component
 * per card, an expression per tag and fact) they were most of the feed's render time, so cards are
 * built here with plain string joins and handed to `set:html` once per list. Every value passes
 * through escapeHtml(); nothing here is user Markdown (titles, lessons and tags are plain text).
 * StoryCard.astro and FeedList.astro are the only users; the been-there form is the story page's
 * own (been-there-html.ts), compact.
 */
import type { StoryCard } from '../../server/feed';
import { escapeHtml as e } from '../../lib/html';
import { experienceLabel, outcomeLabel, plural } from '../../lib/labels';
import { isoDate, timeAgo } from '../../lib/dates';
import { CONTENT_NOTES } from '../../lib/facts';
import { beenThereFormHtml } from '../ui/been-there-html';

export interface CardOptions {
  /** The reader said "been there" to this story (their own mark; never on a cached anonymous page). */
  beenThere: boolean;
  /** Where the been-there form returns to after its POST. */
  returnTo: string;
  headingLevel?: 'h2' | 'h3';
  /** "Now" for the relative times; one value for the whole list. */
  now?: number;
}

function timeHtml(timestamp: number, now: number): string {
  return `<time datetime="${isoDate(timestamp)}">${e(timeAgo(timestamp, now))}</time>`;
}

export function storyCardHtml(story: StoryCard, options: CardOptions): string {
  const { beenThere, headingLevel = 'h2', now = Date.now() } = options;
  const url = e(story.url);
  const experience = experienceLabel(story.experience);
  const outcome = outcomeLabel(story.outcome);
  let out = '<article class="card story-card">';
  if (story.contentNotes.length > 0) {
    out += `<p class="notes small muted">Content note: ${e(story.contentNotes.map((note) => CONTENT_NOTES[note].label.toLowerCase()).join(', '))}</p>`;
  }
  out += `<${headingLevel} class="title"><a href="${url}">${e(story.title)}</a></${headingLevel}>`;
  out += '<ul class="tags" aria-label="Failure types">';
  for (const tag of story.tags) out += `<li><a href="/tags/${e(tag.slug)}">${e(tag.name)}</a></li>`;
  out += '</ul>';
  if (story.topLesson) out += `<p class="lesson"><b>Lesson:</b> ${e(story.topLesson.text)}</p>`;
  out += '<dl class="facts">';
  if (experience) out += `<div><dt>Experience</dt><dd>${e(experience)}</dd></div>`;
  if (outcome) out += `<div><dt>Afterwards</dt><dd>${e(outcome)}</dd></div>`;
  out += `<div><dt class="visually-hidden">Posted</dt><dd>${timeHtml(story.publishedAt, now)}</dd></div>`;
  if (story.followedUpAt) {
    out += `<div class="updated"><dt class="visually-hidden">Follow-up</dt><dd>updated ${timeHtml(story.followedUpAt, now)}</dd></div>`;
  }
  out += '</dl><div class="actions">';
  out += beenThereFormHtml({ storyUrl: story.url, count: story.beenThereCount, pressed: beenThere, returnTo: options.returnTo, compact: true });
  out += `<a href="${url}#comments">${e(plural(story.commentCount, 'comment'))}</a></div></article>`;
  return out;
}

/** A feed page's cards as one `<ol class="feed">`, each reader's been-there marks applied. */
export function feedListHtml(stories: StoryCard[], beenThereIds: Set<number>, returnTo: string, now = Date.now()): string {
  let out = '<ol class="feed">';
  for (const story of stories) out += `<li>${storyCardHtml(story, { beenThere: beenThereIds.has(story.id), returnTo, now })}</li>`;
  return out + '</ol>';
}
