/** Small pure helpers that guard URLs and keys: each is shown saying no. */
import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../src/lib/labels';
import { decodeCursor, encodeCursor } from '../../src/lib/cursor';
import { parseStoryParam, slugify, storyPath } from '../../src/lib/slug';
import { looksLikeToken, constantTimeEqual, randomToken } from '../../src/server/crypto';
import { pseudonymFromDigest } from '../../src/lib/pseudonym';

describe('safeReturnPath (no open redirects after a POST)', () => {
  it.each(['/', '/tags/dns?before=1_2', '/stories/4-x#c9'])('keeps the same-site path %s', (path) => {
    expect(safeReturnPath(path, '/fallback')).toBe(path);
  });
  it.each([
    'https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'evil', '',
    '/ok\r\nSet-Cookie: x=1', `/${'a'.repeat(600)}`,
  ])('refuses %j and falls back', (path) => {
    expect(safeReturnPath(path, '/fallback')).toBe('/fallback');
  });
  it('percent-encodes characters a Location header cannot carry, so the redirect after a write never fails', async () => {
    expect(safeReturnPath('/€', '/fallback')).toBe('/%E2%82%AC');
    expect(safeReturnPath('/tags/dns?q=naïve café#c1', '/fallback')).toBe('/tags/dns?q=na%C3%AFve%20caf%C3%A9#c1');
    expect(safeReturnPath('/stories/😀', '/fallback')).toMatch(/^[\x21-\x7e]+$/);
  });
});

describe('keyset cursors', () => {
  it('round-trip and refuse anything malformed instead of failing', async () => {
    expect(decodeCursor(encodeCursor({ key: 1_700_000_000_000, id: 42 }))).toEqual({ key: 1_700_000_000_000, id: 42 });
    for (const bad of ['', 'abc', '1_', '_1', '1_2_3', '1e5_2', `${'9'.repeat(20)}_1`, '1_-2', null, undefined]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});

describe('story addresses', () => {
  it('slugify titles to short ASCII and parse ids back', async () => {
    expect(slugify('Ça a planté: DNS, encore!')).toBe('ca-a-plante-dns-encore');
    expect(slugify('!!!')).toBe('story');
    expect(slugify('x'.repeat(100))).toHaveLength(60);
    expect(storyPath({ id: 7, slug: 'dns' })).toBe('/stories/7-dns');
    expect(parseStoryParam('7-dns')).toEqual({ id: 7, slug: 'dns' });
    expect(parseStoryParam('7')).toEqual({ id: 7, slug: '' });
    for (const bad of ['0', '-1', 'abc', '1e3-x', '99999999999999-x', '', undefined]) expect(parseStoryParam(bad)).toBeNull();
  });
});

describe('tokens', () => {
  it('are 256-bit base64url and compared in constant time', async () => {
    const token = randomToken();
    expect(looksLikeToken(token)).toBe(true);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(looksLikeToken(token + 'x')).toBe(false);
    expect(looksLikeToken('../../etc/passwd'.padEnd(43, 'a'))).toBe(false);
    expect(constantTimeEqual(token, token)).toBe(true);
    expect(constantTimeEqual(token, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBe(false);
    expect(constantTimeEqual(token, token.slice(1))).toBe(false);
  });
});

describe('pseudonyms', () => {
  it('turn a digest into "Adjective Noun NN", the same digest always the same name', async () => {
    expect(pseudonymFromDigest('00000000')).toBe(pseudonymFromDigest('00000000'));
    expect(pseudonymFromDigest('0a1b2c3d')).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{1,2}$/);
    expect(pseudonymFromDigest('0a1b2c3d')).not.toBe(pseudonymFromDigest('ffeeddcc'));
  });
});
