// npm start: build when the sources are newer than the build, then serve (migrations and demo
// content are applied by the server itself when it opens the database).
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const entry = 'dist/server/entry.mjs';

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const sources = Math.max(
  ...['src', 'db', 'public', 'astro.config.mjs', 'package.json', 'package-lock.json'].map(newestMtime),
);
if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
  console.log('Building the site (first start, or the sources changed)…');
  const result = spawnSync('npx', ['astro', 'build'], {
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await import('./serve.mjs');
