/**
 * The bad-day button's links (issue 12). The reader's situation (failure type, experience) and
 * the story just shown travel in the address, so nothing about the reader is stored anywhere.
 */
import { ENDED_WELL_REASONS, type Outcome } from './facts';
import { KEPT_JOB_FILTER } from './evidence';

const FILTER_KEYS = ['tag', 'experience'] as const;

/** The reader's filters carried through /random, kept only when they look like our slugs. */
export function readerFilters(params: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value && /^[a-z0-9-]{1,40}$/.test(value)) kept.set(key, value);
  }
  return kept;
}

export interface BadDayBanner {
  /** Why it was picked ("a supportive talk"), or null when no story that ended well was left. */
  reason: string | null;
  /** /random again, never this story. */
  anotherHref: string;
  /** Back to the reader's own kind of stories (filtered feed), or to the filter form. */
  likeYoursHref: string;
  hasFilters: boolean;
}

/** What the story page says and offers when the reader arrived through /random. */
export function badDayBanner(storyId: number, outcome: string | null, params: URLSearchParams): BadDayBanner {
  const filters = readerFilters(params);
  const hasFilters = [...filters.keys()].length > 0;
  const another = new URLSearchParams({ not: String(storyId) });
  for (const [key, value] of filters) another.set(key, value);
  const likeYours = new URLSearchParams(filters);
  likeYours.set('outcome', KEPT_JOB_FILTER);
  return {
    reason: (outcome && ENDED_WELL_REASONS[outcome as Outcome]) || null,
    anotherHref: `/random?${another}`,
    likeYoursHref: hasFilters ? `/?${likeYours}` : '/#filters-title',
    hasFilters,
  };
}
