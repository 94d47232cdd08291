/**
 * Journey: a reader remembers a word from a story and finds it again with the search box in the
 * header: results page, first result, and the story itself. And the feed's own forms: filters by
 * failure type and experience, and hiding stories with a content note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { publishedStoryId, readDb, type TestServer } from '../helpers/server';
import { hasChromium, submitAndWait, startJourney, warnIfNoChromium, type Journey } from '../helpers/browser';

warnIfNoChromium();

describe.skipIf(!hasChromium)('searching in a browser', () => {
  let server: TestServer;
  let journey: Journey;
  let page: Page;
  let story: { id: number; title: string; url: string };
  let storyPath: string;
  let word: string;

  beforeAll(async () => {
    journey = await startJourney();
    ({ server, page } = journey);
    story = await (await fetch(`${server.origin}/stories/${publishedStoryId(server)}.json`)).json();
    storyPath = new URL(story.url).pathname;
    // A distinctive word: a long one from the title whose best match is this story. Common long
    // words ("production") rank other stories first, so try the longest words in turn.
    const candidates = [...new Set(story.title.toLowerCase().match(/[a-z]{6,}/g) ?? [])].sort((a, b) => b.length - a.length);
    for (const candidate of candidates) {
      const html = await (await fetch(`${server.origin}/search?q=${encodeURIComponent(candidate)}`)).text();
      const first = /<ol class="results"[\s\S]*?<h2[^>]*><a href="([^"#]+)/.exec(html)?.[1];
      if (first === storyPath) {
        word = candidate;
        break;
      }
    }
    if (!word) throw new Error(`No word of "${story.title}" finds story 1 first; candidates were ${candidates.join(', ')}`);
  });

  afterAll(async () => {
    await journey?.close();
  });

  it('finds a demo story by a word from its title and opens it from the first result', { timeout: 60_000 }, async () => {
    await page.goto('/');
    const box = page.locator('header').getByRole('searchbox', { name: 'Search stories, lessons and comments' });
    expect(await box.getAttribute('id')).toBe('site-search');
    expect(await box.getAttribute('name')).toBe('q');
    await box.fill(word);
    await box.press('Enter');
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === word);

    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Search');
    // The header box keeps the query on the results page.
    expect(await page.locator('#site-search').inputValue()).toBe(word);
    expect(await page.locator('main [role="status"]').innerText()).toMatch(/^\d+ match(es)? in \d+ stor(y|ies)\.$/);
    const results = page.locator('ol.results > li');
    expect(await results.count()).toBeGreaterThan(0);
    // Matched words are highlighted in the snippets.
    expect((await results.locator('.snippet mark').allInnerTexts()).map((t) => t.toLowerCase())).toContain(word);

    const firstLink = results.first().getByRole('link').first();
    const href = (await firstLink.getAttribute('href')) ?? '';
    expect(href.split('#')[0]).toBe(storyPath);
    await firstLink.click();
    await page.waitForURL((url) => url.pathname === storyPath);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(story.title);
    expect(await page.locator('article.story .prose').innerText()).not.toHaveLength(0);
  });

  it('filters the feed by failure type and experience, and clears the filters', { timeout: 60_000 }, async () => {
    await page.goto('/');
    const filters = page.getByRole('complementary', { name: 'Find stories like yours' });
    await filters.getByLabel('Failure type', { exact: true }).selectOption({ label: 'Database' });
    await filters.getByLabel('Experience at the time').selectOption({ index: 1 });
    await submitAndWait(page, page.getByRole('button', { name: 'Show stories' }));
    const url = new URL(page.url());
    expect(url.searchParams.get('tag')).toBe('database');
    expect(url.searchParams.get('experience')).not.toBe('');
    // Every story card shown is tagged with the chosen type.
    const cards = page.locator('.story-card');
    expect(await cards.count()).toBeGreaterThan(0);
    for (const tags of await cards.evaluateAll((items) => items.map((item) => item.textContent ?? ''))) expect(tags).toContain('Database');
    await submitAndWait(page, page.getByRole('link', { name: 'Clear filters' }));
    expect(new URL(page.url()).search).toBe('');
  });

  it('hides stories with a content note once saved, and shows them again when unticked', { timeout: 60_000 }, async () => {
    const noted = readDb(server, (db) => db.prepare('SELECT title FROM stories WHERE content_notes & 2 ORDER BY published_at DESC LIMIT 1').get() as { title: string });
    const shown = () => page.locator('.story-card').getByRole('link', { name: noted.title, exact: true }).count();
    await page.goto('/?experience=');
    const before = await page.locator('.story-card').count();
    await page.locator('details.notes-form summary').click();
    await page.getByRole('checkbox', { name: 'Customers affected' }).check();
    await submitAndWait(page, page.getByRole('button', { name: 'Save', exact: true }));
    expect(await shown()).toBe(0);
    expect(await page.locator('.story-card').count()).toBeGreaterThan(0);

    await page.getByRole('checkbox', { name: 'Customers affected' }).uncheck();
    await submitAndWait(page, page.getByRole('button', { name: 'Save', exact: true }));
    expect(await page.locator('.story-card').count()).toBe(before);
  });
});
