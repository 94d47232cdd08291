/**
 * The de-identification check as the story form uses it: findings per field, and one-click
 * redaction that replaces exactly one finding (or nothing, when the text changed meanwhile).
 */
import { findIdentifyingDetails, redactFinding, FINDING_LABELS, type Finding } from './deidentify';
import type { StoryFormValues } from './story-input';

export type RedactableField = 'title' | 'body' | 'lessons';
const FIELDS: RedactableField[] = ['title', 'body', 'lessons'];

export interface FieldFinding extends Finding {
  field: RedactableField;
  label: string;
  why: string;
  placeholder: string;
  /** The value of the "redact" button for this finding. */
  token: string;
}

/** Every finding in the title, body and lessons, in that order. */
export function findingsForStory(values: Pick<StoryFormValues, RedactableField>): FieldFinding[] {
  return FIELDS.flatMap((field) =>
    findIdentifyingDetails(values[field]).map((finding) => ({
      ...finding,
      field,
      ...FINDING_LABELS[finding.kind],
      token: `${field}:${finding.start}:${finding.end}:${finding.kind}`,
    })),
  );
}

/** Applies one redact token to the form values; ok is false when the finding is no longer there. */
export function applyRedaction(values: StoryFormValues, token: string): { ok: boolean; values: StoryFormValues } {
  const match = /^(title|body|lessons):(\d{1,6}):(\d{1,6}):([a-z]+)$/.exec(token);
  if (!match) return { ok: false, values };
  const field = match[1] as RedactableField;
  const start = Number(match[2]);
  const end = Number(match[3]);
  const finding = findIdentifyingDetails(values[field]).find(
    (candidate) => candidate.start === start && candidate.end === end && candidate.kind === match[4],
  );
  if (!finding) return { ok: false, values };
  const redacted = redactFinding(values[field], finding);
  if (redacted === null) return { ok: false, values };
  return { ok: true, values: { ...values, [field]: redacted } };
}
