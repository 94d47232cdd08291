/**
 * The code keeps one shape where it once had several (issue 11): one module reads the environment,
 * every form answers through one outcome type and one POST helper, and no cast hides a database type.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|mjs|astro)$/.test(name) ? [path] : [];
  });
}

const sources = filesUnder('src').map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const matching = (pattern: RegExp, among = sources) => among.filter(({ text }) => pattern.test(text)).map(({ path }) => path);

describe('the shape of the code', () => {
  it('reads environment variables in one module only, src/server/settings.ts', () => {
    expect(matching(/process\.env|import\.meta\.env/)).toEqual(['src/server/settings.ts']);
  });

  it('has no cast that hides a database or transaction type', () => {
    expect(matching(/as unknown as|\bas never\b/, sources.filter(({ path }) => !path.startsWith('src/scripts/')))).toEqual([]);
  });

  it('lets no page handle a POST by itself: every form goes through answerPost()', () => {
    const pages = sources.filter(({ path }) => path.startsWith('src/pages/'));
    expect(matching(/method\s*===\s*'POST'|export const POST\b(?![^\n]*answerPost)/, pages)).toEqual([]);
    const posting = ['new.astro', 'manage/[token].astro', 'stories/[param].astro', 'me.astro', 'login.astro', 'register.astro', 'mod/index.astro', 'logout.astro', 'preferences.ts'];
    for (const page of posting) expect(readFileSync(join('src/pages', page), 'utf8'), page).toMatch(/answerPost\(/);
  });

  it('makes every form outcome in src/actions/outcome.ts: actions declare no outcome shape of their own', () => {
    const actions = sources.filter(({ path }) => path.startsWith('src/actions/') && !path.endsWith('/outcome.ts'));
    expect(matching(/kind: 'form'/, actions)).toEqual([]);
    expect(matching(/type \w*Outcome\w* =(?! FormOutcome<)/, actions)).toEqual([]);
  });
});
