import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DIR_PREFIX = 'trace-faults-';

/**
 * Throw-away PostgreSQL and Redis servers of the fault suite. Other engineers and CI use the
 * machine's shared PostgreSQL (5432) and Redis (6379) at the same time, so the suite never
 * touches those: it kills, restarts and flushes servers of its own, on free ports, in a temp
 * directory it deletes afterwards.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The PostgreSQL 15 binaries (FAULTS_PG_BIN overrides), as in the README's requirements. */
function postgresBin(): string {
  if (process.env.FAULTS_PG_BIN) return process.env.FAULTS_PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin/initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server binaries under ${base}; set FAULTS_PG_BIN`);
  }
  return join(base, versions[0], 'bin');
}

/** initdb refuses to run as root: there, the cluster belongs to the `postgres` OS user. */
const asRoot = process.getuid?.() === 0;
function pgCommand(binary: string, args: string[]): [string, string[]] {
  const path = join(postgresBin(), binary);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

/**
 * The suite's scratch directory. Records the owning test process so that a later run can
 * clean up after one that was killed before its own cleanup ran.
 */
export class ScratchDir {
  readonly path: string;

  constructor() {
    removeAbandonedScratchDirs();
    this.path = mkdtempSync(join(tmpdir(), DIR_PREFIX));
    if (asRoot) chownSync(this.path, postgresUid(), postgresGid());
    writeFileSync(join(this.path, 'owner.pid'), String(process.pid));
  }

  /** Remembers a process this run started, for the abandoned-run cleanup. */
  recordPid(pid: number | undefined) {
    if (pid) writeFileSync(join(this.path, 'pids'), `${pid}\n`, { flag: 'a' });
  }

  remove() {
    rmSync(this.path, { recursive: true, force: true });
  }
}

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
}
function postgresGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
}

/** Servers and services left by a fault run whose test process is gone: stop them, delete. */
function removeAbandonedScratchDirs() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (owner && pidAlive(owner)) continue;
    } catch {
      // no owner file: half-created, or not ours to judge; leave it unless it has a cluster
      if (!existsSync(join(dir, 'data'))) continue;
    }
    stopClusterSync(join(dir, 'data'));
    try {
      for (const line of readFileSync(join(dir, 'pids'), 'utf8').split('\n')) {
        const pid = Number(line);
        if (pid && pidAlive(pid) && isOurs(pid)) process.kill(pid, 'SIGKILL');
      }
    } catch {
      // no processes recorded
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Still a process of the suite (a redis-server or a built service), not a reused pid. */
function isOurs(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.startsWith('redis-server') || cmdline.includes('/dist/apps/');
  } catch {
    return false;
  }
}

function stopClusterSync(dataDir: string) {
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
  try {
    const [cmd, args] = pgCommand('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already stopped
  }
}

/**
 * A PostgreSQL cluster of its own: trust authentication on 127.0.0.1 only, fsync and full
 * page writes on (durability across a crash is what the suite tests).
 */
export class ThrowawayPostgres {
  readonly dataDir: string;
  private running = false;

  private constructor(
    private readonly scratch: ScratchDir,
    readonly port: number,
  ) {
    this.dataDir = join(scratch.path, 'data');
  }

  static async create(scratch: ScratchDir): Promise<ThrowawayPostgres> {
    const pg = new ThrowawayPostgres(scratch, await freePort());
    const [cmd, args] = pgCommand('initdb', [
      '-D',
      pg.dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-sync', // only initdb's own flush; the server runs with fsync on
    ]);
    await run(cmd, args);
    await pg.start();
    return pg;
  }

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.scratch.path}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      '-c fsync=on',
      '-c full_page_writes=on',
      '-c synchronous_commit=on',
    ].join(' ');
    const [cmd, args] = pgCommand('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.scratch.path, 'postgres.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await run(cmd, args);
    this.running = true;
  }

  /** `fast` is an orderly shutdown; `immediate` is a crash (recovery replays the WAL). */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    if (!this.running) return;
    const [cmd, args] = pgCommand('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
    await run(cmd, args);
    this.running = false;
  }

  /** Never throws: used on the way out, also after failures. */
  stopSync(): void {
    stopClusterSync(this.dataDir);
    this.running = false;
  }
}

/** A Redis of its own, as a child process: no persistence, so a restart loses every job. */
export class ThrowawayRedis {
  private child: ChildProcess | null = null;

  private constructor(
    private readonly scratch: ScratchDir,
    readonly port: number,
  ) {}

  static async create(scratch: ScratchDir): Promise<ThrowawayRedis> {
    const redis = new ThrowawayRedis(scratch, await freePort());
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
        '--dir',
        this.scratch.path,
        '--logfile',
        join(this.scratch.path, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.scratch.recordPid(child.pid);
    const started = Date.now();
    while (!(await portAnswers(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (Date.now() - started > 10_000) throw new Error('redis-server did not start in 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** kill -9: every queued job is gone with it (no persistence). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  stopSync(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}
