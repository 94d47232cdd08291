/**
 * The server secret behind keyed hashes (author keys, pseudonyms). From SECRET, else generated
 * once and kept beside the database (never committed: data/ is git-ignored).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DatabaseConfigError, dataFolder, databaseSettings, secretSetting } from './settings';

let cached: string | null = null;

export function getServerSecret(): string {
  if (cached) return cached;
  const configured = secretSetting();
  if (configured) {
    cached = configured;
    return cached;
  }
  if (databaseSettings().driver === 'libsql') {
    // Every server must hash author keys and pseudonyms alike, or a person's posts stop being theirs
    // when the load balancer sends them elsewhere: a secret generated per server cannot do that.
    throw new DatabaseConfigError('SECRET must be set (at least 16 characters, the same on every server) when DATABASE_URL points at a libSQL server.');
  }
  const folder = dataFolder();
  const file = join(folder, 'secret.key');
  if (existsSync(file)) {
    cached = readFileSync(file, 'utf8').trim();
  } else {
    mkdirSync(folder, { recursive: true });
    cached = randomBytes(32).toString('hex');
    writeFileSync(file, cached + '\n', { mode: 0o600 });
  }
  return cached;
}
