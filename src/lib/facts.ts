/**
 * The optional "not alone" facts of a story. Values are stable slugs stored in the
 * database; labels are what readers see.
 */
export const EXPERIENCE = {
  'lt1': 'Less than 1 year',
  '1-2': '1–2 years',
  '3-5': '3–5 years',
  '6-10': '6–10 years',
  '10plus': 'More than 10 years',
} as const;

export const IMPACT = {
  'minutes': 'A few minutes',
  'hour': 'Under an hour',
  'hours': 'A few hours',
  'day': 'About a day',
  'days': 'Several days or more',
} as const;

export const DETECTION = {
  'users': 'Users told us',
  'alert': 'An alert fired',
  'colleague': 'A colleague noticed',
  'myself': 'I noticed myself',
} as const;

export const OUTCOME = {
  'nothing': 'Nothing bad happened',
  'talk': 'A supportive talk',
  'postmortem': 'I wrote the postmortem',
  'warning': 'A formal warning',
  'fired': 'I lost the job',
  'private': 'Prefer not to say',
} as const;

export type Experience = keyof typeof EXPERIENCE;
export type Impact = keyof typeof IMPACT;
export type Detection = keyof typeof DETECTION;
export type Outcome = keyof typeof OUTCOME;

export const EXPERIENCE_VALUES = Object.keys(EXPERIENCE) as [Experience, ...Experience[]];
export const IMPACT_VALUES = Object.keys(IMPACT) as [Impact, ...Impact[]];
export const DETECTION_VALUES = Object.keys(DETECTION) as [Detection, ...Detection[]];
export const OUTCOME_VALUES = Object.keys(OUTCOME) as [Outcome, ...Outcome[]];

/** Outcomes in which the author kept their job (used for "9 of 10 kept their job"). */
export const KEPT_JOB_OUTCOMES: readonly Outcome[] = ['nothing', 'talk', 'postmortem', 'warning'];

/** Outcomes the bad-day button counts as "ended well", with why, as the page says it. */
export const ENDED_WELL_REASONS: Partial<Record<Outcome, string>> = {
  nothing: 'nothing bad happened to them',
  talk: 'a supportive talk',
  postmortem: 'they wrote the postmortem',
};
export const ENDED_WELL_OUTCOMES = Object.keys(ENDED_WELL_REASONS) as Outcome[];

/** Content notes a poster may set; readers can hide stories carrying them. Stored as a bit mask. */
export const CONTENT_NOTES = {
  'data-loss': { bit: 1, label: 'Data loss' },
  'customers': { bit: 2, label: 'Customers affected' },
  'lost-job': { bit: 4, label: 'Lost my job' },
  'harassment': { bit: 8, label: 'Harassment' },
} as const;
export type ContentNote = keyof typeof CONTENT_NOTES;
export const CONTENT_NOTE_VALUES = Object.keys(CONTENT_NOTES) as [ContentNote, ...ContentNote[]];

export function contentNotesToMask(notes: readonly ContentNote[]): number {
  return notes.reduce((mask, note) => mask | CONTENT_NOTES[note].bit, 0);
}

export function maskToContentNotes(mask: number): ContentNote[] {
  return CONTENT_NOTE_VALUES.filter((note) => (mask & CONTENT_NOTES[note].bit) !== 0);
}
