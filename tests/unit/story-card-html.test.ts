/** Story cards built as strings (issue 10): everything a person typed arrives escaped, marks are per reader. */
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/lib/html';
import { feedListHtml, storyCardHtml } from '../../src/components/story/story-card-html';
import { beenThereFormHtml } from '../../src/components/ui/been-there-html';
import type { StoryCard } from '../../src/server/feed';

const HOUR = 60 * 60 * 1000;
const NOW = Date.UTC(2026, 0, 10, 12, 0);

function card(overrides: Partial<StoryCard> = {}): StoryCard {
  return {
    id: 7,
    slug: 'dns',
    url: '/stories/7-dns',
    title: 'The DNS change',
    tags: [{ slug: 'dns', name: 'DNS' }],
    topLesson: { id: 3, text: 'Lower the TTL first.', helpfulCount: 2 },
    experience: 'junior',
    outcome: 'fired',
    contentNotes: [],
    beenThereCount: 1,
    commentCount: 2,
    publishedAt: NOW - 3 * HOUR,
    followedUpAt: null,
    ...overrides,
  };
}

describe('escapeHtml', () => {
  it('escapes the five characters that could open markup or leave an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="a('&')">`)).toBe('&lt;img src=x onerror=&quot;a(&#39;&amp;&#39;)&quot;&gt;');
    expect(escapeHtml('plain text')).toBe('plain text');
    expect(escapeHtml(42)).toBe('42');
  });

  it('gives the same answer when called again after a match (no regex state left behind)', () => {
    expect(escapeHtml('a<b')).toBe('a&lt;b');
    expect(escapeHtml('<')).toBe('&lt;');
    expect(escapeHtml('<')).toBe('&lt;');
  });
});

describe('storyCardHtml', () => {
  it('escapes the title, the lesson, tag names and the return path, so typed markup stays text', () => {
    const html = storyCardHtml(
      card({
        title: '<script>alert(1)</script> & "quotes"',
        topLesson: { id: 3, text: '<b onclick="x()">never</b>', helpfulCount: 0 },
        tags: [{ slug: 'a"b', name: '<i>YAML</i>' }],
      }),
      { beenThere: false, returnTo: '/?x="><script>', now: NOW },
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b onclick');
    expect(html).not.toContain('<i>YAML');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('href="/tags/a&quot;b"');
    expect(html).toContain('value="/?x=&quot;&gt;&lt;script&gt;"');
  });

  it('shows facts, time and counts as the component did', () => {
    const html = storyCardHtml(card(), { beenThere: false, returnTo: '/', now: NOW });
    expect(html).toContain('<h2 class="title"><a href="/stories/7-dns">The DNS change</a></h2>');
    expect(html).toContain('<li><a href="/tags/dns">DNS</a></li>');
    expect(html).toContain('<p class="lesson"><b>Lesson:</b> Lower the TTL first.</p>');
    expect(html).toContain('<dt>Afterwards</dt>');
    expect(html).toContain('<time datetime="2026-01-10T09:00:00Z">3 hours ago</time>');
    expect(html).toContain('<span class="count" data-count>1</span><span class="visually-hidden" data-count-label> person has been there</span>');
    expect(html).toContain('<a href="/stories/7-dns#comments">2 comments</a>');
    expect(html).not.toContain('Content note');
    expect(html).not.toContain('updated');
  });

  it('names content notes and a follow-up when there are some, and honours the heading level', () => {
    const html = storyCardHtml(card({ contentNotes: ['data-loss', 'lost-job'], followedUpAt: NOW - HOUR / 2 }), {
      beenThere: false, returnTo: '/', headingLevel: 'h3', now: NOW,
    });
    expect(html).toContain('<p class="notes small muted">Content note: data loss, lost my job</p>');
    expect(html).toContain('<h3 class="title">');
    expect(html).toContain('updated <time');
  });

  it('marks been there only for the stories this reader marked', () => {
    const html = feedListHtml([card({ id: 1, url: '/stories/1-a' }), card({ id: 2, url: '/stories/2-b' })], new Set([2]), '/', NOW);
    const [first, second] = html.split('</article>');
    expect(first).toContain('aria-pressed="false"');
    expect(first).toContain('name="want" value="on"');
    expect(second).toContain('aria-pressed="true"');
    expect(second).toContain('name="want" value="off"');
    expect(second).toContain('#i-been-there-on');
    expect(html.startsWith('<ol class="feed"><li><article')).toBe(true);
  });
});

describe('beenThereFormHtml', () => {
  it('is the one been-there form: the story page’s and a card’s differ only by compact, and typed values stay text', () => {
    const page = beenThereFormHtml({ storyUrl: '/stories/7-dns', count: 1, pressed: false, returnTo: '/?q="><script>' });
    expect(page).toMatch(/^<form method="post" action="\/stories\/7-dns" class="been-there" data-reaction-form>/);
    expect(page).toContain('value="/?q=&quot;&gt;&lt;script&gt;"');
    expect(page).not.toContain('<script>');
    const cardHtml = storyCardHtml(card(), { beenThere: false, returnTo: '/?q="><script>', now: NOW });
    expect(cardHtml).toContain(page.replace('class="been-there"', 'class="been-there compact"'));
  });
});
