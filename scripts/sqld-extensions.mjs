// sqld settings that keep deleted text from lingering (README, "Deleted text in libSQL mode"):
// - the secure-delete extension (scripts/sqld-secure-delete.c), compiled here with the system C
//   compiler into an extensions folder with the trusted.lst that sqld requires (sha256 + name);
// - a WAL checkpoint (TRUNCATE) every --checkpoint-interval-s, so old page images leave sqld's
//   data-wal. Not --max-log-duration: a scheduled compaction of the replication log makes an
//   embedded replica report the write that triggers it as failed though the primary saved it
//   ("snapshot not found", sqld 0.24 with @libsql/client 0.18), so that stays the operator's call.
// `node scripts/sqld-extensions.mjs <folder>` builds the extension for an sqld you run yourself.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./sqld-secure-delete.c', import.meta.url));
const LIBRARY = 'secure_delete.so';

/** Seconds between sqld's WAL checkpoints, unless its own SQLD_CHECKPOINT_INTERVAL_S says otherwise. */
export const DEFAULT_CHECKPOINT_SECONDS = 60;

/** Where sqlite3ext.h is: the system's, else the copy inside better-sqlite3 (a dependency anyway). */
function includeDirs() {
  const dirs = [];
  try {
    const require = createRequire(import.meta.url);
    dirs.push(join(dirname(require.resolve('better-sqlite3/package.json')), 'deps', 'sqlite3'));
  } catch {
    // only the system header then
  }
  return dirs.filter((dir) => existsSync(join(dir, 'sqlite3ext.h')));
}

/** Compiles the extension into `folder` (unless an identical build is there) and returns the folder. */
export function buildSecureDeleteExtension(folder) {
  const dir = resolve(folder);
  mkdirSync(dir, { recursive: true });
  const library = join(dir, LIBRARY);
  const compiler = process.env.CC ?? 'cc';
  const built = spawnSync(compiler, ['-O2', '-shared', '-fPIC', ...includeDirs().map((d) => `-I${d}`), '-o', library, SOURCE], {
    encoding: 'utf8',
  });
  if (built.error || built.status !== 0) {
    throw new Error(
      `Could not compile ${SOURCE} with ${compiler} (${built.error?.message ?? built.stderr.trim()}). Install a C compiler (apt-get install gcc) or set CC.`,
    );
  }
  const sha256 = createHash('sha256').update(readFileSync(library)).digest('hex');
  writeFileSync(join(dir, 'trusted.lst'), `${sha256}  ${LIBRARY}\n`);
  return dir;
}

/**
 * sqld arguments for forgetting deleted text: the extension (built into `extensionsFolder`) and a
 * checkpoint every `seconds` (sqld's own SQLD_CHECKPOINT_INTERVAL_S wins when set).
 */
export function forgettingSqldArgs(extensionsFolder, seconds = DEFAULT_CHECKPOINT_SECONDS, env = process.env) {
  const args = ['--extensions-path', buildSecureDeleteExtension(extensionsFolder)];
  if (!env.SQLD_CHECKPOINT_INTERVAL_S) args.push('--checkpoint-interval-s', String(seconds));
  return args;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('Usage: node scripts/sqld-extensions.mjs <extensions folder>');
    process.exit(2);
  }
  try {
    const dir = buildSecureDeleteExtension(folder);
    console.log(`Built ${join(dir, LIBRARY)}. Start sqld with: --extensions-path ${dir} --checkpoint-interval-s ${DEFAULT_CHECKPOINT_SECONDS}`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
