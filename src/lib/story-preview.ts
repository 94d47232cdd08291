/**
 * The de-identification check as the story form uses it: findings per field, and one-click
 * redaction of one detail everywhere it occurs, or of all of them (nothing, when the text changed meanwhile).
 */
import { findIdentifyingDetails, redactEverywhere, standIn, FINDING_LABELS, type Finding, type FindingKind } from './deidentify';
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

/** Names, companies and places found in any field: the preview looks for them in every field. */
export function knownDetails(values: Pick<StoryFormValues, RedactableField>): [FindingKind, string][] {
  const known = new Map<string, FindingKind>();
  for (const field of FIELDS) {
    for (const f of findIdentifyingDetails(values[field])) if (f.kind === 'name' || f.kind === 'company' || f.kind === 'place') known.set(f.text, f.kind);
  }
  return [...known].map(([text, kind]): [FindingKind, string] => [kind, text]);
}

/** Every finding in the title, body and lessons, in that order; a name found in one field is found in all. */
export function findingsForStory(values: Pick<StoryFormValues, RedactableField>): FieldFinding[] {
  const alsoKnown = knownDetails(values);
  return FIELDS.flatMap((field) =>
    findIdentifyingDetails(values[field], alsoKnown).map((finding) => ({
      ...finding,
      field,
      ...FINDING_LABELS[finding.kind],
      token: `${field}:${finding.start}:${finding.end}:${finding.kind}`,
    })),
  );
}

/** One detail as the preview lists it: every place it occurs, redacted together with one button. */
export interface GroupedFinding {
  kind: FieldFinding['kind'];
  text: string;
  label: string;
  why: string;
  placeholder: string;
  /** How many times the check found it, over title, body and lessons. */
  count: number;
  fields: RedactableField[];
  /** The value of the "redact" button: every occurrence of this detail. */
  token: string;
}

/** Findings grouped by kind and text, in order of first appearance. */
export function groupFindings(findings: FieldFinding[]): GroupedFinding[] {
  const groups = new Map<string, GroupedFinding>();
  for (const f of findings) {
    const key = `${f.kind}:${f.text}`;
    const group = groups.get(key);
    if (group) {
      group.count++;
      if (!group.fields.includes(f.field)) group.fields.push(f.field);
    } else {
      groups.set(key, { kind: f.kind, text: f.text, label: f.label, why: f.why, placeholder: f.placeholder, count: 1, fields: [f.field], token: `every:${key}` });
    }
  }
  return [...groups.values()];
}

/**
 * Applies a redact button to the form values: "all" replaces every finding with its stand-in;
 * "every:kind:text" replaces that detail everywhere it occurs (title, body, lessons). ok is false
 * when the detail is no longer found (the text changed since the preview), and nothing changes.
 */
export function applyRedaction(values: StoryFormValues, token: string): { ok: boolean; values: StoryFormValues } {
  if (token === 'all') {
    const next = { ...values };
    // From the end of each field, so earlier offsets stay valid.
    for (const finding of findingsForStory(values).reverse()) {
      const text = next[finding.field];
      next[finding.field] = text.slice(0, finding.start) + standIn(values[finding.field], finding.start, finding.kind) + text.slice(finding.end);
    }
    return { ok: FIELDS.some((field) => next[field] !== values[field]), values: next };
  }
  const match = /^every:([a-z]+):([\s\S]{1,500})$/.exec(token);
  if (!match || !(match[1] in FINDING_LABELS)) return { ok: false, values };
  const kind = match[1] as FindingKind;
  const detail = match[2];
  const stillFound = findingsForStory(values).some((f) => f.kind === kind && f.text === detail);
  if (!stillFound) return { ok: false, values };
  const next = { ...values };
  for (const field of FIELDS) next[field] = redactEverywhere(values[field], kind, detail).text;
  return { ok: true, values: next };
}
