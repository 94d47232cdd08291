/** The project's own checks: `npm run check` type-checks for real, and CI runs it. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';

describe('npm run check', () => {
  it('has @astrojs/check installed, so astro check checks instead of offering to install it', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.scripts.check).toBe('astro check');
    expect(pkg.devDependencies['@astrojs/check']).toBeTruthy();
    expect(existsSync('node_modules/@astrojs/check/package.json')).toBe(true);
  });

  it('is part of CI, before the tests', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    expect(ci).toMatch(/^npx astro check$/m);
    expect(ci.indexOf('npx astro check')).toBeLessThan(ci.indexOf('npm test'));
  });
});
