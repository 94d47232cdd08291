/**
 * Help with text pasted from elsewhere (issue 13): "•"/"–" bullets that Markdown would run into
 * one paragraph, code pasted without fences, and leftovers of the web page it came from (bylines,
 * "Posted on", "min read", share buttons). The preview offers each fix as one button.
 */
import { findIdentifyingDetails } from './deidentify';

export type PasteFix = 'bullets' | 'code' | 'leftovers';

export interface PasteIssues {
  /** Lines starting with • or – (Markdown only knows -, * and +). */
  bullets: number;
  /** Blocks of lines that look like code but are not fenced. */
  codeBlocks: number;
  /** Whole lines that are page furniture, as they appear. */
  leftovers: string[];
}

const BULLET_LINE = /^([ \t]*)[•–·▪◦‣][ \t]+/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const MONTH_WORD = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
/** Page furniture, whole lines only: "Posted on Jan 12", "Updated on • 3 min read", "Share", "Top comments (4)". */
const LEFTOVER_LINE = new RegExp(
  [
    // "Posted on" needs a date or a separator after it, so "Posted on Slack that we were down" stays.
    String.raw`^(?:posted|updated|edited|published|last updated)(?: on)?\s*(?:[•·|:]|\d|${MONTH_WORD}\s+\d|$).*$`,
    String.raw`^originally published (?:at|on|in) \S+$`,
    String.raw`^.{0,60}\b\d+\s*min(?:ute)?s?\s+read\b.{0,40}$`,
    String.raw`^(?:share|tweet|share on \w+|share this(?: post| article)?|copy link|follow|like|clap|subscribe|top comments.*|cover image for .*|.*\bprofile image\b.*|back to (?:the )?blog|read more|read next|comments? \(\d+\)|\d+ comments?|markdown guide|dev community)$`,
  ].join('|'),
  'i',
);
const CODE_LINE = [
  /[;{}]\s*$/,
  /^\s*(?:if|for|while|def|function|const|let|var|return|import|from|class|elif|else:|try:|except|SELECT|UPDATE|DELETE FROM|INSERT INTO|DROP|ALTER TABLE|CREATE|sudo|kubectl|git|npm|docker|curl|psql|\$)\b/,
  /^\s*[\w.[\]]+\s*[+\-*/]?=\s*\S/,
  /^\s*[\w.]+\([^)]*\)\s*(?:#.*)?$/,
  /:\s*(?:#.*)?$/,
  /^\s{2,}\S/,
];

const looksLikeCode = (line: string) => CODE_LINE.some((re) => re.test(line)) && !/[.!?]["”’)]?\s*$/.test(line.trim().replace(/\(.*\)$/, ''));

/** Paragraphs outside fences: [first line index, last line index]. */
function unfencedBlocks(lines: string[]): [number, number][] {
  const blocks: [number, number][] = [];
  let inFence = false, start = -1;
  lines.forEach((line, i) => {
    if (FENCE.test(line)) {
      if (start >= 0) blocks.push([start, i - 1]);
      start = -1;
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    if (line.trim() === '') {
      if (start >= 0) blocks.push([start, i - 1]);
      start = -1;
    } else if (start < 0) start = i;
  });
  if (start >= 0 && !inFence) blocks.push([start, lines.length - 1]);
  return blocks;
}

/** Blocks of 2+ lines, mostly code-like and none a Markdown list or already indented as code. */
function codeBlocks(lines: string[]): [number, number][] {
  return unfencedBlocks(lines).filter(([a, b]) => {
    const block = lines.slice(a, b + 1);
    if (block.length < 2 || /^ {4}|^\t/.test(block[0]) || block.some((l) => /^\s*(?:[-*+]|\d+\.)\s/.test(l) || BULLET_LINE.test(l))) return false;
    return block.filter(looksLikeCode).length / block.length >= 0.6;
  });
}

/** A line that is only a person's name (a byline). */
function isBylineLine(line: string): boolean {
  const trimmed = line.trim();
  if (!trimmed || trimmed.length > 60) return false;
  const names = findIdentifyingDetails(trimmed).filter((f) => f.kind === 'name');
  return names.length > 0 && names.map((f) => f.text).join('') === trimmed.replace(/\s*\((?:she|he|they)\/\w+\)$/i, '');
}

function isLeftover(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== '' && trimmed.length <= 120 && (LEFTOVER_LINE.test(trimmed) || isBylineLine(trimmed));
}

/** What the preview can offer to fix in a story body. */
export function findPasteIssues(body: string): PasteIssues {
  const lines = body.split('\n');
  let inFence = false;
  let bullets = 0;
  const leftovers: string[] = [];
  for (const line of lines) {
    if (FENCE.test(line)) inFence = !inFence;
    else if (!inFence && BULLET_LINE.test(line)) bullets++;
    else if (!inFence && isLeftover(line)) leftovers.push(line.trim());
  }
  return { bullets, codeBlocks: codeBlocks(lines).length, leftovers };
}

/** Applies one fix to a story body; the rest of the text stays byte for byte. */
export function applyPasteFix(body: string, fix: PasteFix): string {
  const lines = body.split('\n');
  if (fix === 'bullets') {
    let inFence = false;
    return lines
      .map((line) => {
        if (FENCE.test(line)) inFence = !inFence;
        return inFence ? line : line.replace(BULLET_LINE, '$1- ');
      })
      .join('\n');
  }
  if (fix === 'code') {
    for (const [a, b] of codeBlocks(lines).reverse()) {
      lines.splice(b + 1, 0, '```');
      lines.splice(a, 0, '```');
    }
    return lines.join('\n');
  }
  let inFence = false;
  const kept = lines.filter((line) => {
    if (FENCE.test(line)) inFence = !inFence;
    return inFence || !isLeftover(line);
  });
  // Removing lines can leave runs of blank lines; Markdown needs only one.
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').replace(/^\n+/, '');
}
