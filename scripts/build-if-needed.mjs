// `npm start` builds only when dist/ is missing or older than a source file, so a fresh clone
// (`npm ci && npm start`) serves without a separate build step and later starts are instant.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const entry = 'dist/cli/main.js';
const stale = !existsSync(entry) || newestMtimeMs('src') > statSync(entry).mtimeMs;
if (stale) {
  process.stderr.write('building (dist/ is missing or older than src/)…\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
