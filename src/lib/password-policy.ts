import { COMMON_PASSWORDS } from './common-passwords';
import { LIMITS } from './limits';

const SUGGESTION = 'a short sentence works well';

/** Returns null when the password is acceptable, else a message telling the user what to do instead. */
export function checkPasswordStrength(password: string, username?: string): string | null {
  // Count code points, not UTF-16 units, so an emoji or accented letter counts as one character.
  const length = [...password].length;
  if (length < LIMITS.passwordMin) return `Use at least ${LIMITS.passwordMin} characters.`;
  if (length > LIMITS.passwordMax) return `Use at most ${LIMITS.passwordMax} characters.`;

  const lower = password.toLowerCase();
  // One character, or a unit of up to three, repeated throughout: "aaaaaaaaaa", "abcabcabcabc".
  if (/^(.{1,3})\1+$/su.test(lower)) {
    return `Don't repeat the same character or short pattern — ${SUGGESTION}.`;
  }
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(lower.trim())) {
    return `That password is on a list of commonly used passwords. Choose something less guessable — ${SUGGESTION}.`;
  }

  const name = username?.trim().toLowerCase();
  if (name) {
    // Username plus a few characters is the first thing a guesser tries; a long phrase that
    // happens to include it ("ann" in "annual review") still leaves plenty to guess.
    const rest = lower.split(name).join('');
    if (rest !== lower && [...rest].length < LIMITS.passwordMin) {
      return `Don't build your password around your username — ${SUGGESTION}.`;
    }
  }
  return null;
}
