/**
 * Journey: a poster previews a story that still names a colleague's e-mail address and an internal
 * host, redacts the address with one click, and publishes the redacted text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, warnIfNoChromium, type Journey } from '../helpers/browser';

warnIfNoChromium();

const EMAIL = 'ops-lead@example-corp.com';
const HOST = 'db1.internal';

describe.skipIf(!hasChromium)('preview and redaction in a browser', () => {
  let journey: Journey;
  let page: Page;
  const marker = Math.random().toString(36).slice(2, 8);
  const title = `I paged the whole team with a typo in the alert rule ${marker}`;
  const body = [
    '## What happened',
    '',
    `I changed an alert threshold on ${HOST} and forgot a zero, so the rule fired every minute.`,
    `Every page went to ${EMAIL} as well as the whole on-call rotation, all night long.`,
    '',
    '## What I learned',
    '',
    'Alert rules deserve the same review as code.',
  ].join('\n');

  beforeAll(async () => {
    journey = await startJourney();
    ({ page } = journey);
  });

  afterAll(async () => {
    await journey?.close();
  });

  const bodyField = () => page.getByLabel('Your story');

  it('highlights the address, redacts it in one click, and publishes the redacted story', { timeout: 60_000 }, async () => {
    await page.goto('/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Background jobs', exact: true }).check();
    await bodyField().fill(body);
    await page.getByLabel('What you learned').fill('Review alert rules like code');

    const preview = page.getByRole('button', { name: 'Preview', exact: true });
    expect(await preview.getAttribute('name')).toBe('intent');
    expect(await preview.getAttribute('value')).toBe('preview');
    await preview.click();
    await page.locator('.preview').waitFor();
    expect(await page.locator('.preview-label').innerText()).toMatch(/not published yet/i);

    // The finding is listed and highlighted in the rendered body.
    const emailMarks = page.locator('mark[data-finding="email"]');
    await emailMarks.first().waitFor();
    expect(await emailMarks.allInnerTexts()).toContain(EMAIL);
    expect(await page.locator('.preview-card .prose mark[data-finding="email"]').innerText()).toBe(EMAIL);
    expect(await page.locator('mark[data-finding="host"]').allInnerTexts()).toContain(HOST);
    // Nothing is lost: the form below the preview still holds what was typed.
    expect(await bodyField().inputValue()).toContain(EMAIL);
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe(title);

    const findings = page.locator('.findings li');
    const emailFinding = findings.filter({ has: page.locator('mark[data-finding="email"]') });
    expect(await emailFinding.count()).toBe(1);
    await emailFinding.getByRole('button', { name: 'Redact as “an e-mail address”' }).click();
    await page.waitForFunction(
      ([email]) => {
        const field = document.querySelector<HTMLTextAreaElement>('textarea#body');
        return !!field && field.value.includes('an e-mail address') && !field.value.includes(email);
      },
      [EMAIL],
    );

    const redacted = await bodyField().inputValue();
    expect(redacted).toContain('an e-mail address');
    expect(redacted).not.toContain(EMAIL);
    expect(redacted).toContain(HOST);
    // The preview is shown again: the address is gone, the host is still flagged.
    expect(await page.locator('mark[data-finding="email"]').count()).toBe(0);
    expect(await page.locator('mark[data-finding="host"]').allInnerTexts()).toContain(HOST);
    // The rest of the form survived the round trip.
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe(title);
    expect(await page.getByRole('checkbox', { name: 'Background jobs', exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('What you learned').inputValue()).toBe('Review alert rules like code');

    // The preview repeats the publish button above the form; use the one under the preview.
    await page.locator('.preview-actions').getByRole('button', { name: 'Publish anonymously' }).click();
    await page.waitForURL(/\/stories\/\d+-[^/?#]+$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
    const published = await page.locator('article.story .prose').innerText();
    expect(published).toContain('an e-mail address');
    expect(published).not.toContain(EMAIL);
    expect(published).toContain(HOST);
    expect(await page.content()).not.toContain(EMAIL);
  });
});
