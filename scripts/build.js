// Builds every app with the Nest CLI (tsc builder: keeps classes and rewrites @trace/* paths).
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { SERVICES } = require('./services');

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
