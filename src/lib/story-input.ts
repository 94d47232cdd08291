/**
 * The shape of a story as a person submits it, and how form fields become that shape.
 * Zod checks shape and limits; services check meaning (e.g. that failure types exist).
 */
import { z } from 'astro/zod';
import { LIMITS } from './limits';
import { hasVisibleText, invisibleTextMessage } from './visible-text';
import {
  CONTENT_NOTE_VALUES,
  DETECTION_VALUES,
  EXPERIENCE_VALUES,
  IMPACT_VALUES,
  OUTCOME_VALUES,
} from './facts';

/** Collapses the whitespace a textarea adds and removes control characters that render as nothing. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}

/** Refuses text made only of invisible characters, before the length checks (they would count them); empty text is left to those checks. */
const visible = (what: string) => z.string().refine((value) => value === '' || hasVisibleText(value), invisibleTextMessage(what));

const optionalChoice = <T extends [string, ...string[]]>(values: T, message: string) =>
  z
    .enum(values, { errorMap: () => ({ message }) })
    .optional();

export const createStoryInput = z.object({
  title: z
    .string()
    .transform((value) => cleanText(value).replace(/\s+/g, ' '))
    .pipe(
      visible('The title').pipe(
        z
          .string()
          .min(LIMITS.titleMin, `Give your story a title of at least ${LIMITS.titleMin} characters.`)
          .max(LIMITS.titleMax, `Keep the title under ${LIMITS.titleMax} characters.`),
      ),
    ),
  body: z
    .string()
    .transform(cleanText)
    .pipe(
      visible('The story').pipe(
        z
          .string()
          .min(LIMITS.bodyMin, `Tell a little more: the story needs at least ${LIMITS.bodyMin} characters.`)
          .max(LIMITS.bodyMax, `The story is too long: keep it under ${LIMITS.bodyMax.toLocaleString('en')} characters.`),
      ),
    ),
  tags: z
    .array(z.string().regex(/^[a-z0-9-]{1,40}$/, 'Choose failure types from the list.'))
    .min(LIMITS.tagsMin, 'Choose at least one failure type.')
    .max(LIMITS.tagsMax, `Choose at most ${LIMITS.tagsMax} failure types.`)
    .transform((tags) => [...new Set(tags)]),
  lessons: z
    .array(
      visible('A lesson').pipe(
        z
          .string()
          .min(LIMITS.lessonMin, `Each lesson needs at least ${LIMITS.lessonMin} characters.`)
          .max(LIMITS.lessonMax, `Keep each lesson under ${LIMITS.lessonMax} characters (one lesson per line).`),
      ),
    )
    .min(LIMITS.lessonsMin, 'Write at least one lesson you learned, one per line.')
    .max(LIMITS.lessonsMax, `Write at most ${LIMITS.lessonsMax} lessons, one per line.`),
  experience: optionalChoice(EXPERIENCE_VALUES, 'Choose your experience from the list.'),
  impact: optionalChoice(IMPACT_VALUES, 'Choose how long the impact lasted from the list.'),
  detection: optionalChoice(DETECTION_VALUES, 'Choose how it was detected from the list.'),
  outcome: optionalChoice(OUTCOME_VALUES, 'Choose what happened afterwards from the list.'),
  contentNotes: z
    .array(z.enum(CONTENT_NOTE_VALUES, { errorMap: () => ({ message: 'Choose content notes from the list.' }) }))
    .max(CONTENT_NOTE_VALUES.length)
    .default([])
    .transform((notes) => [...new Set(notes)]),
  delayPublication: z.boolean().default(false),
});

export type CreateStoryInput = z.infer<typeof createStoryInput>;

/** What the form sent, as strings, so a form with errors can be shown again exactly as typed. */
export interface StoryFormValues {
  title: string;
  body: string;
  tags: string[];
  lessons: string;
  experience: string;
  impact: string;
  detection: string;
  outcome: string;
  contentNotes: string[];
  delayPublication: boolean;
}

export const EMPTY_STORY_FORM: StoryFormValues = {
  title: '',
  body: '',
  tags: [],
  lessons: '',
  experience: '',
  impact: '',
  detection: '',
  outcome: '',
  contentNotes: [],
  delayPublication: false,
};

/** Reads the story form fields; anything missing becomes empty, never undefined. */
export function readStoryForm(form: FormData): StoryFormValues {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const list = (name: string) => form.getAll(name).filter((v): v is string => typeof v === 'string');
  return {
    title: text('title'),
    body: text('body'),
    tags: list('tags'),
    lessons: text('lessons'),
    experience: text('experience'),
    impact: text('impact'),
    detection: text('detection'),
    outcome: text('outcome'),
    contentNotes: list('contentNotes'),
    delayPublication: text('delayPublication') === 'on' || text('delayPublication') === '1',
  };
}

/** Lessons arrive as a textarea, one per line; blank lines and list markers are dropped. */
export function splitLessons(value: string): string[] {
  return cleanText(value)
    .split('\n')
    .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);
}

export type FieldErrors = Partial<Record<keyof StoryFormValues | 'form', string>>;

export type StoryValidation =
  | { ok: true; data: CreateStoryInput }
  | { ok: false; errors: FieldErrors };

/** Validates form values; the first message per field is kept, worded for the person typing. */
export function validateStoryForm(values: StoryFormValues): StoryValidation {
  const result = createStoryInput.safeParse({
    title: values.title,
    body: values.body,
    tags: values.tags,
    lessons: splitLessons(values.lessons),
    experience: values.experience || undefined,
    impact: values.impact || undefined,
    detection: values.detection || undefined,
    outcome: values.outcome || undefined,
    contentNotes: values.contentNotes,
    delayPublication: values.delayPublication,
  });
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form') as keyof FieldErrors;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
