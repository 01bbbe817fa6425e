import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/** Every service started and not yet gone: stopped with the benchmark, however it ends. */
const running = new Set<ChildProcess>();
/** What an interrupted run still removes (its database and Redis keys). */
const cleanups = new Set<() => Promise<void>>();

/** Registers `cleanup` to run if the benchmark is interrupted; returns the unregistration. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the services, dropping the benchmark's database\n`);
    // Requests in flight now fail: that is the interruption, not a new error.
    process.on('unhandledRejection', () => undefined);
    for (const child of running) child.kill('SIGKILL');
    const done = () => process.exit(130);
    setTimeout(done, 10_000).unref();
    void Promise.allSettled([...cleanups].map((c) => c())).then(done);
  });
}

type ServiceList = { SERVICES: { name: string; main: string; nodeArgs: string[] }[] };
/** The services as `npm start` runs them (scripts/services.js): their Node flags too. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, outside the build
const { SERVICES } = require(resolve(ROOT, 'scripts/services.js')) as ServiceList;

/** A built service as its own process, like `npm start` runs it. */
export function startService(name: string, env: Record<string, string>): Promise<ChildProcess> {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`${name} is not one of scripts/services.js`);
  // BENCH_NODE_ARGS (e.g. "--prof") is passed to the services, for profiling them under load.
  const nodeArgs = [
    ...service.nodeArgs,
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const child = spawn(process.execPath, [...nodeArgs, resolve(ROOT, service.main)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  // BENCH_SERVICE_LOG_DIR keeps each service's whole output (e.g. with BENCH_NODE_ARGS=--trace-gc).
  const dir = process.env.BENCH_SERVICE_LOG_DIR;
  const file = dir ? createWriteStream(resolve(dir, `${name}.log`)) : null;
  // 'close', not 'exit': the pipes may still hold output when the process has exited.
  if (file) child.once('close', () => file.end());
  let output = '';
  let started = false;
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start:\n${output}`)), 30000);
    const read = (d: Buffer) => {
      file?.write(d);
      // Kept only until started (what a failed start reports): the bench process times the
      // dispenses, and must not rescan a growing log on every chunk.
      if (started) return;
      output += String(d);
      if (/listening/.test(output)) {
        started = true;
        clearTimeout(timer);
        done(child);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => fail(new Error(`${name} exited with ${code}:\n${output}`)));
  });
}

/** CPU seconds used so far by processes (utime + stime, Linux /proc), by name. */
export function cpuSeconds(named: Record<string, number[]>): Record<string, number> {
  const read = (pid: number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0; // gone: a backend that ended
    }
  };
  const out: Record<string, number> = {};
  for (const [name, pids] of Object.entries(named))
    out[name] = pids.reduce((t, p) => t + read(p), 0);
  return out;
}

/** A process's peak resident set so far (VmHWM), in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

export function pidsOf(command: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** A clean stop (SIGTERM) lets the services drain; a stuck one is killed after 10 s. */
export async function stopServices(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null) return done();
          const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
          c.once('exit', () => {
            clearTimeout(timer);
            done();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}
