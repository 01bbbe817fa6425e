// Builds every app with the Nest CLI (tsc builder: keeps classes and rewrites @trace/* paths).
// `--if-stale` skips the build when nothing it reads changed since the last one (benchmarks).
const { execFileSync } = require('node:child_process');
const { readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { SERVICES } = require('./services');

const STAMP = join('dist', '.build-stamp');
const INPUTS = [
  'apps',
  'libs',
  'scripts',
  'package-lock.json',
  'nest-cli.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** The newest modification time of the build's inputs (directories too: a deleted file counts). */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    newest = Math.max(newest, info.mtimeMs);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const input of INPUTS) visit(input);
  return newest;
}

const inputsAt = newestInput();
if (process.argv.includes('--if-stale')) {
  let built = -1;
  try {
    built = Number(readFileSync(STAMP, 'utf8'));
  } catch {
    // never built here
  }
  if (built >= inputsAt) {
    process.stdout.write('dist is up to date with the sources: not rebuilt\n');
    process.exit(0);
  }
}

rmSync('dist', { recursive: true, force: true });
for (const app of [...SERVICES.map((s) => s.name), 'cli']) {
  process.stdout.write(`building ${app}\n`);
  try {
    execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], {
      stdio: 'inherit',
    });
  } catch {
    process.stderr.write(`build of ${app} failed (errors above)\n`);
    process.exit(1);
  }
}
writeFileSync(STAMP, String(inputsAt));
