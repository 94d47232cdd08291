/** scripts/lib/request-origin.mjs: which host, protocol and client address a request is taken to have. */
import { describe, expect, it } from 'vitest';
import { readSiteSettings, resolveRequestOrigin, trustedForwardedValue, SettingError } from '../../scripts/lib/request-origin.mjs';

const settings = (env: Record<string, string> = {}) => readSiteSettings({ HOST: '127.0.0.1', ...env });

describe('the client address behind proxies', () => {
  it('takes the entry the single trusted proxy appended, ignoring what the client wrote before it', () => {
    expect(trustedForwardedValue('6.6.6.6, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(trustedForwardedValue(['6.6.6.6', '203.0.113.9'], 1)).toBe('203.0.113.9');
  });

  it('with two trusted proxies takes the second entry from the right', () => {
    expect(trustedForwardedValue('1.1.1.1, 6.6.6.6, 203.0.113.9, 10.0.0.2', 2)).toBe('203.0.113.9');
  });

  it('trusts nothing when no proxy is trusted, and uses the socket address', () => {
    expect(trustedForwardedValue('6.6.6.6', 0)).toBeUndefined();
    const origin = resolveRequestOrigin({ host: '127.0.0.1:4321', 'x-forwarded-for': '6.6.6.6' }, '192.0.2.1', settings());
    expect(origin.clientAddress).toBe('192.0.2.1');
  });
});

describe('the host and protocol a request is answered for', () => {
  it('keeps a host name the site answers to, with its port', () => {
    expect(resolveRequestOrigin({ host: '127.0.0.1:4321' }, '::1', settings()).host).toBe('127.0.0.1:4321');
    expect(resolveRequestOrigin({ host: 'Stories.Example.org' }, '::1', settings({ SITE_HOSTNAMES: 'stories.example.org' })).host).toBe('stories.example.org');
  });

  it('replaces any other host name with the public one, so links never carry it', () => {
    const site = settings({ SITE_URL: 'https://stories.example.org' });
    expect(resolveRequestOrigin({ host: 'evil.example' }, '::1', site)).toMatchObject({ host: 'stories.example.org', protocol: 'https' });
    expect(resolveRequestOrigin({ host: 'evil.example' }, '::1', settings()).host).toBe('localhost');
  });

  it('believes X-Forwarded-Proto and -Host only from a trusted proxy', () => {
    const headers = { host: '127.0.0.1:4321', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'stories.example.org' };
    const trusted = settings({ TRUST_PROXY: '1', SITE_HOSTNAMES: 'stories.example.org' });
    expect(resolveRequestOrigin(headers, '::1', trusted)).toMatchObject({ host: 'stories.example.org', protocol: 'https' });
    const untrusted = settings({ SITE_HOSTNAMES: 'stories.example.org' });
    expect(resolveRequestOrigin(headers, '::1', untrusted)).toMatchObject({ host: '127.0.0.1:4321', protocol: 'http' });
  });
});

describe('settings that cannot work', () => {
  it.each([
    ['SITE_URL', 'stories.example.org'],
    ['SITE_URL', 'ftp://stories.example.org'],
    ['SITE_URL', 'https://stories.example.org/blog'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '-1'],
  ])('refuses %s=%s with a message', (name, value) => {
    expect(() => settings({ [name]: value })).toThrow(SettingError);
  });

  it('accepts TRUST_PROXY=1 as before and a SITE_URL with a trailing slash', () => {
    expect(settings({ TRUST_PROXY: '1' }).trustedProxies).toBe(1);
    expect(settings({ SITE_URL: 'https://stories.example.org/' }).siteUrl?.origin).toBe('https://stories.example.org');
  });
});
