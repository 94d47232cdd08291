import { describe, expect, it } from 'vitest';
import { applyPasteFix, findPasteIssues } from '../../src/lib/paste-help';
import { seedTexts } from '../fixtures/deidentify-table';

describe('findPasteIssues', () => {
  it('counts bullet lines made with • or –, outside code', () => {
    const body = 'What we changed:\n• alerts on lag\n  – with a runbook\n• a second reviewer\n\n```\n• not a bullet in code\n```';
    expect(findPasteIssues(body).bullets).toBe(3);
  });

  it('notices a block of code pasted without a fence, but not prose, lists, fenced or indented code', () => {
    expect(findPasteIssues('I ran this:\n\nfor job in jobs:\n    job.retry()\n\nIt retried everything.').codeBlocks).toBe(1);
    expect(findPasteIssues('kubectl delete pod web-1\nkubectl get pods').codeBlocks).toBe(1);
    expect(findPasteIssues('We restarted it. Then it came back.\nNobody noticed until the morning.').codeBlocks).toBe(0);
    expect(findPasteIssues('- if in doubt, roll back\n- then: look at the logs').codeBlocks).toBe(0);
    expect(findPasteIssues('```\nx = 1\ny = 2\n```').codeBlocks).toBe(0);
    expect(findPasteIssues('    x = 1\n    y = 2').codeBlocks).toBe(0);
  });

  it('lists page leftovers: dates lines, reading time, share buttons, bylines', () => {
    const body = [
      'Cover image for How I emptied the queue',
      'Rebecca Lindqvist',
      'Posted on Mar 4 • Updated on Mar 6',
      '5 min read',
      '',
      '## What happened',
      '',
      'I emptied the queue.',
      '',
      'Share',
      'Top comments (12)',
    ].join('\n');
    expect(findPasteIssues(body).leftovers).toEqual([
      'Cover image for How I emptied the queue',
      'Rebecca Lindqvist',
      'Posted on Mar 4 • Updated on Mar 6',
      '5 min read',
      'Share',
      'Top comments (12)',
    ]);
  });

  it('keeps sentences that only start like leftovers', () => {
    const body = 'Posted on Slack that we were down, then waited.\nUpdated the runbook the next day.\nFollow the runbook, always.\nI shared the graph with my lead.';
    expect(findPasteIssues(body).leftovers).toEqual([]);
  });
});

describe('applyPasteFix', () => {
  it('turns bullet characters into a Markdown list, keeping the indentation', () => {
    expect(applyPasteFix('Changes:\n• one\n  – two', 'bullets')).toBe('Changes:\n- one\n  - two');
  });

  it('fences each unfenced code block and leaves the prose byte for byte', () => {
    const body = 'I ran this:\n\nfor job in jobs:\n    job.retry()\n\nIt retried everything.';
    expect(applyPasteFix(body, 'code')).toBe('I ran this:\n\n```\nfor job in jobs:\n    job.retry()\n```\n\nIt retried everything.');
  });

  it('removes the leftover lines and the blank lines they leave behind', () => {
    const body = 'Posted on Mar 4\n\n## What happened\n\nI emptied the queue.\n\nShare\n\nTop comments (2)';
    expect(applyPasteFix(body, 'leftovers')).toBe('## What happened\n\nI emptied the queue.\n\n');
  });
});

describe('on the real stories in ../shared/seeds (when present)', () => {
  const seeds = seedTexts(process.cwd());
  it.skipIf(!seeds)('offers the fixes those pasted stories need', () => {
    const issues = seeds!.map((seed) => findPasteIssues(seed.text));
    expect(issues[0].codeBlocks).toBe(1); // a loop pasted without a fence
    expect(issues[1].leftovers.some((line) => line.startsWith('Posted on'))).toBe(true);
    expect(issues[2].bullets).toBeGreaterThan(10);
    expect(issues[2].leftovers.some((line) => line.includes('min read'))).toBe(true);
    // Removing the leftovers takes out the byline, not the story.
    const cleaned = applyPasteFix(seeds![1].text, 'leftovers');
    expect(cleaned.length).toBeGreaterThan(seeds![1].text.length * 0.9);
    expect(findPasteIssues(cleaned).leftovers).toEqual([]);
  });
});
