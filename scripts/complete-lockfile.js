// The registry this project installs from serves native optional packages only for the
// platform asking (others 404), so `npm install` leaves them out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. This records each missing optional package
// with its pinned version; npm ci accepts the lock and skips what it cannot fetch.
// Run after every `npm install` that changes the lock: `node scripts/complete-lockfile.js`.
const { readFileSync, writeFileSync } = require('node:fs');

const file = 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) {
      throw new Error(`${name}@${spec} (from ${path}) is not pinned; cannot record it`);
    }
    packages[hoisted] = { version: spec, ...(meta.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: recorded ${added} optional package(s) missing from the lock`);
