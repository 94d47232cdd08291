/**
 * Benchmark for the de-identification detector: a realistic 20,000-character story (Markdown and
 * equivalent HTML) plus hostile inputs that would expose catastrophic regex backtracking, and its
 * recall and false-alarm rate on the labelled table and the real stories in ../shared/seeds.
 * Run directly with `npx tsx scripts/bench/deidentify.ts`; `npm run bench` calls reportDeidentify().
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';
import { findIdentifyingDetails, highlightFindingsInHtml } from '../../src/lib/deidentify';
import { formatFigures, measure, seedTexts, tableTexts } from '../../tests/fixtures/deidentify-table';

const RUNS = 30;
const SIZE = 20_000;

const PARAGRAPHS = [
  'It was a Friday afternoon and I was the only one left on call. My lead Sarah Jenkins had gone home early, ' +
    'and the rest of the team was at an offsite. We had a migration queued for Monday morning, but I thought I ' +
    'could get ahead of it.',
  'The plan was simple: drop the old index on the orders table in PostgreSQL, create the new one concurrently, ' +
    'and flip the feature flag. I had done it on staging twice. What I did not notice was that my terminal was ' +
    'still connected to db-primary.prod.acme.internal (10.20.4.17) instead of the staging replica.',
  '```\npsql -h db-primary.prod.acme.internal -U admin orders\nDROP INDEX CONCURRENTLY orders_created_at_idx;\n```',
  'Within two minutes the checkout latency graph in Grafana went vertical. PagerDuty fired, #incident-db lit up, ' +
    'and @oncall-payments started asking who was running queries. HTTP 500s everywhere, connection pool at 100%, ' +
    'and Redis could not absorb the load because the cache keys were built from the same query.',
  'I froze for about ten minutes. Then I wrote in the channel what I had done. Nobody yelled. Our CTO Dave ' +
    'joined the call, asked three calm questions and told me to recreate the index while he throttled traffic ' +
    'at the load balancer. It took 45 minutes to build on 800 GB of data.',
  'Afterwards I found an old AWS key in my shell history, AKIAIOSFODNN7EXAMPLE, which we rotated the same day. ' +
    'The postmortem was blameless. We added a prompt that shows the environment in red, a read-only default ' +
    'role, and a runbook step that says: check the host before you type DROP.',
  'Lessons: slow down on Fridays, make production look different from staging, and say what you did as early ' +
    'as possible. Two years later I still think about that graph every time I open a psql session.',
];

/** A story of about `size` characters made of the paragraphs above, with a few findings in each. */
export function buildStory(size = SIZE): string {
  let story = '## What happened\n\n';
  for (let i = 0; story.length < size; i++) story += PARAGRAPHS[i % PARAGRAPHS.length] + '\n\n';
  return story.slice(0, size);
}

/** The same story the way marked + sanitize-html would render it (paragraphs, code blocks, entities). */
export function storyToHtml(markdown: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return markdown
    .split(/\n{2,}/)
    .map((block) => {
      if (block.startsWith('```')) return `<pre><code>${esc(block.replace(/^```\n?|\n?```$/g, ''))}</code></pre>`;
      if (block.startsWith('## ')) return `<h2>${esc(block.slice(3))}</h2>`;
      return `<p>${esc(block).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`;
    })
    .join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(name: string, input: string, fn: (s: string) => unknown): { name: string; ms: number; chars: number } {
  fn(input); // warm-up: JIT and regex compilation
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn(input);
    samples.push(performance.now() - t0);
  }
  return { name, ms: Math.round(median(samples) * 1000) / 1000, chars: input.length };
}

/** Median milliseconds over 30 runs for the realistic story and for hostile inputs. */
export function benchDeidentify(): { name: string; ms: number; chars: number }[] {
  const story = buildStory();
  const results = [
    time('findIdentifyingDetails: story (Markdown)', story, findIdentifyingDetails),
    time('highlightFindingsInHtml: story (HTML)', storyToHtml(story), highlightFindingsInHtml),
  ];
  const hostile: [string, string][] = [
    ['a', 'a'], ['A ', 'A '], ['@', '@'], ['#a', '#a'], ['digits', '1234567890'], ['.', '.'],
    ['Aa ', 'Aa '], ['a.', 'a.'], ['1 ', '1 '], [':', ':'], ['key ', 'key '], ['aA1', 'aA1'],
  ];
  for (const [label, unit] of hostile) {
    const input = unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
    results.push(time(`findIdentifyingDetails: "${label}" × ${SIZE / unit.length | 0}`, input, findIdentifyingDetails));
  }
  return results;
}

/** Recall and false alarms per kind, on the labelled table and (when present) the real stories. */
export function deidentifyAccuracy(): string[] {
  const lines = formatFigures('labelled table', measure(findIdentifyingDetails, tableTexts()));
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const seeds = seedTexts(repoRoot);
  lines.push(...(seeds ? formatFigures('real stories (shared/seeds)', measure(findIdentifyingDetails, seeds)) : ['real stories: skipped, no shared/seeds beside the repository']));
  return lines;
}

/** Everything this benchmark measures, printed through `log`. */
export function reportDeidentify(log: (line: string) => void = console.log): void {
  log('De-identification scan (median of 30)');
  for (const row of benchDeidentify()) log(`  ${row.name.padEnd(48)} ${row.ms.toFixed(3).padStart(9)} ms  (${row.chars.toLocaleString('en')} chars)`);
  log('De-identification accuracy');
  for (const line of deidentifyAccuracy()) log(`  ${line}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) reportDeidentify();
