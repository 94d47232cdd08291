/**
 * "Evidence that fits the reader" (issue 12): the filter values of the feed and the sentence
 * that states how stories like these ended. Pure, so the wording is unit-tested.
 */
import { EXPERIENCE, KEPT_JOB_OUTCOMES, OUTCOME, type Experience, type Outcome } from './facts';
import { LIMITS } from './limits';
import { plural } from './labels';

/** `?outcome=` values: every stored outcome, plus `kept-job` for all outcomes that kept the job. */
export const KEPT_JOB_FILTER = 'kept-job';
export type OutcomeFilter = Outcome | typeof KEPT_JOB_FILTER;

export const OUTCOME_FILTER_LABELS: Record<OutcomeFilter, string> = {
  [KEPT_JOB_FILTER]: 'Kept their job (any of the first four)',
  ...OUTCOME,
};

/** The outcome filter from a query value, or undefined when absent or unknown. */
export function parseOutcomeFilter(value: string | null | undefined): OutcomeFilter | undefined {
  if (!value) return undefined;
  return Object.hasOwn(OUTCOME_FILTER_LABELS, value) ? (value as OutcomeFilter) : undefined;
}

/** The stored outcomes a filter stands for. */
export function outcomesOf(filter: OutcomeFilter): Outcome[] {
  return filter === KEPT_JOB_FILTER ? [...KEPT_JOB_OUTCOMES] : [filter];
}

const EXPERIENCE_PHRASE: Record<Experience, string> = {
  lt1: 'with less than a year of experience',
  '1-2': 'with 1–2 years of experience',
  '3-5': 'with 3–5 years of experience',
  '6-10': 'with 6–10 years of experience',
  '10plus': 'with more than 10 years of experience',
};

export interface EvidenceCounts {
  /** Stories in the group (whether or not they said how it ended). */
  stories: number;
  /** Stories that said how it ended ("prefer not to say" left out). */
  told: number;
  keptJob: number;
}

export interface EvidenceGroup {
  experience?: Experience;
  /** Name of the failure type, e.g. "Database". */
  typeName?: string;
}

/** "people with less than a year of experience who had a Database failure" (or "people"). */
export function groupPhrase(group: EvidenceGroup): string {
  const parts = ['people'];
  if (group.experience && Object.hasOwn(EXPERIENCE, group.experience)) parts.push(EXPERIENCE_PHRASE[group.experience]);
  if (group.typeName) parts.push(`who had ${/^[aeiou]/i.test(group.typeName) ? 'an' : 'a'} ${group.typeName} failure`);
  return parts.join(' ');
}

/**
 * The sentence for a group: "Of 12 people … , 11 kept their job", or a plain statement that too
 * few stories say how it ended when fewer than LIMITS.evidenceMinStories do.
 */
export function evidenceSentence(counts: EvidenceCounts, group: EvidenceGroup): { text: string; enough: boolean } {
  const who = groupPhrase(group);
  if (counts.stories === 0) return { text: `No stories from ${who} yet.`, enough: false };
  if (counts.told === 0) {
    return { text: `${plural(counts.stories, 'story', 'stories')} from ${who}, but none says how it ended yet.`, enough: false };
  }
  if (counts.told < LIMITS.evidenceMinStories) {
    const told = `${plural(counts.told, 'story', 'stories')} from ${who} ${counts.told === 1 ? 'says' : 'say'} how it ended`;
    return { text: `Only ${told} — too few to tell how it usually goes.`, enough: false };
  }
  return { text: `Of ${counts.told.toLocaleString('en')} ${who}, ${counts.keptJob.toLocaleString('en')} kept their job.`, enough: true };
}
