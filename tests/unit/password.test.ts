import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../src/lib/common-passwords';
import { checkPasswordStrength } from '../../src/lib/password-policy';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../src/server/auth/password';

describe('checkPasswordStrength', () => {
  it('accepts a good passphrase', async () => {
    expect(checkPasswordStrength('the pager went off at 3am', 'alice')).toBeNull();
  });

  it('refuses a common password regardless of case', async () => {
    for (const password of ['password123', 'PassWord123', 'QWERTYUIOP', '1234567890']) {
      expect(checkPasswordStrength(password)).toMatch(/commonly used passwords/);
    }
  });

  it('refuses a short password and says how long it must be', async () => {
    expect(checkPasswordStrength('tr0ub4dor')).toBe('Use at least 10 characters.');
  });

  it('refuses an overly long password', async () => {
    expect(checkPasswordStrength('x'.repeat(100) + 'y'.repeat(157))).toBe('Use at most 256 characters.');
  });

  it('refuses a password that is the username with a little added, in any case', async () => {
    expect(checkPasswordStrength('alice98765', 'alice')).toMatch(/username/);
    expect(checkPasswordStrength('ALICEalice!', 'Alice')).toMatch(/username/);
  });

  it('accepts a long phrase that merely contains a short username', async () => {
    expect(checkPasswordStrength('annual review went sideways', 'ann')).toBeNull();
  });

  it('refuses a single repeated character', async () => {
    expect(checkPasswordStrength('zzzzzzzzzzzz')).toMatch(/repeat/);
  });

  it('ships a list of at least 300 lowercase common passwords of 10+ characters', async () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(300);
    for (const p of COMMON_PASSWORDS) {
      expect(p.length).toBeGreaterThanOrEqual(10);
      expect(p).toBe(p.toLowerCase());
    }
  });
});

describe('password hashing', () => {
  it('produces an argon2id hash with the OWASP parameters', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('accepts the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('returns false instead of throwing for a garbage hash', async () => {
    for (const garbage of ['', 'not-a-hash', '$argon2id$v=19$m=1,t=1,p=1$$', '$2b$10$abcdefghijklmnopqrstuv']) {
      expect(await verifyPassword(garbage, 'anything')).toBe(false);
    }
  });

  it('always reports false from the dummy verify', async () => {
    expect(await verifyAgainstDummy('dummy password that no account uses')).toBe(false);
  });
});
