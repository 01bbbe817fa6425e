// Runs all five services on this machine: one console line per service saying where it
// listens, JSON logs in .local/logs/<service>.log, a crashed service restarted, Ctrl-C stops all.
const { spawn } = require('node:child_process');
const { createWriteStream, mkdirSync } = require('node:fs');
const readline = require('node:readline');
const { SERVICES } = require('./services');

mkdirSync('.local/logs', { recursive: true });
let stopping = false;
const children = new Map();

function start(service) {
  const log = createWriteStream(`.local/logs/${service.name}.log`, { flags: 'a' });
  const child = spawn(process.execPath, [...service.nodeArgs, service.main], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  children.set(service.name, child);
  const forward = (stream, toConsole) =>
    readline.createInterface({ input: stream }).on('line', (line) => {
      log.write(line + '\n');
      // Structured logs go to the file; plain lines (where it listens, fatal errors) to the console.
      if (toConsole || !line.startsWith('{')) console.log(`[${service.name}] ${line}`);
    });
  forward(child.stdout, false);
  forward(child.stderr, true);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    log.end();
    if (stopping) return;
    console.log(`[${service.name}] exited (${signal ?? code}); restarting in 2 s`);
    setTimeout(() => !stopping && start(service), 2000);
  });
}

function stopAll() {
  if (stopping) return;
  stopping = true;
  console.log('stopping services…');
  for (const child of children.values()) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(0);
  }, 10000);
  const wait = setInterval(() => {
    if (children.size === 0) {
      clearInterval(wait);
      clearTimeout(deadline);
      process.exit(0);
    }
  }, 100);
}

process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
console.log(
  'starting ingest-api, warehouse-api, dispensing-api, regulator-api, ledger-writer (logs in .local/logs/)',
);
for (const service of SERVICES) start(service);
