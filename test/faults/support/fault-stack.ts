import { TokenService } from '@trace/auth';
import { AppConfig, loadAppConfig } from '@trace/config';
import { ensureRolesAndDatabase, runMigrations } from '@trace/database';
import type { Role } from '@trace/domain';
import { formatPrivateKey, generateSigner } from '@trace/ledger';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, rmSync, WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { FaultLog } from './fault-log';
import { freePort, ScratchDir, ThrowawayPostgres, ThrowawayRedis } from './throwaway-servers';

const ROOT = resolve(__dirname, '../../..');
export const FAULT_JWT_SECRET = 'fault-suite-secret-for-throw-away-stacks-only-0123456789';

export type ServiceName =
  'ingest-api' | 'warehouse-api' | 'dispensing-api' | 'regulator-api' | 'ledger-writer';

const PORT_SETTING: Record<ServiceName, string> = {
  'ingest-api': 'INGEST_API_PORT',
  'warehouse-api': 'WAREHOUSE_API_PORT',
  'dispensing-api': 'DISPENSING_API_PORT',
  'regulator-api': 'REGULATOR_API_PORT',
  'ledger-writer': 'LEDGER_WRITER_PORT',
};

/** Settings of the shell that must not leak into the services (they would point elsewhere). */
const INHERITED_SETTING =
  /^(NODE_ENV|LOG_LEVEL|HTTP_|DATABASE_|REDIS_|JWT_|SECRETS_FILE|LEDGER_|INGEST_|PATIENT_|[A-Z_]+_API_PORT$)/;

const mainOf = (dist: string, app: string) => join(dist, `apps/${app}/apps/${app}/src/main.js`);
const APPS = [...Object.keys(PORT_SETTING), 'cli'];

/**
 * A copy of dist/ for this scenario. Others' `npm test` wipes and rebuilds dist/ in the shared
 * working tree (pretest), which would pull the build from under a service restarted minutes
 * into a scenario. Kept inside the repository so that node_modules still resolves.
 */
async function privateDist(logDir: string, log: FaultLog): Promise<string> {
  const shared = resolve(ROOT, 'dist');
  const complete = () => APPS.every((app) => existsSync(mainOf(shared, app)));
  const started = Date.now();
  if (!complete()) log.info('dist/ is incomplete (being rebuilt?): waiting for it');
  while (!complete()) {
    if (Date.now() - started > 120_000) {
      throw new Error('dist/ holds no complete build (waited 2 minutes): run npm run build');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const copy = join(logDir, 'dist');
  cpSync(shared, copy, { recursive: true });
  return copy;
}

/**
 * One service as a real process, under a supervisor like scripts/run-services.js: when it
 * dies (kill -9, or its own crash-only exit) it is started again, unless the scenario says
 * otherwise. Output goes to .local/faults/<scenario>/<instance>.log.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private listening: Promise<void> = Promise.resolve();
  private stopping = false;
  private restartOnExit = true;
  private readonly logFile: WriteStream;
  private tail: string[] = [];
  /** Exits the supervisor restarted after (kills included). */
  restarts = 0;
  incarnations = 0;

  constructor(
    readonly name: ServiceName,
    readonly instance: string,
    readonly port: number,
    private readonly main: string,
    private readonly env: Record<string, string>,
    private readonly log: FaultLog,
    private readonly scratch: ScratchDir,
    logDir: string,
  ) {
    this.logFile = createWriteStream(join(logDir, `${instance}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Recent output of the process (for failure reports). */
  get recentOutput(): string {
    return this.tail.join('');
  }

  /** Starts the process and resolves once it listens. */
  start(): Promise<void> {
    this.stopping = false;
    this.restartOnExit = true;
    this.spawn();
    return this.listening;
  }

  /** Resolves when the current incarnation listens (after a restart, the new one). */
  whenListening(timeoutMs = 60_000): Promise<void> {
    return Promise.race([
      this.listening,
      new Promise<void>((_, reject) =>
        setTimeout(
          () => reject(new Error(`${this.instance} not listening after ${timeoutMs} ms`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
  }

  private spawn() {
    this.incarnations++;
    const child = spawn(process.execPath, [this.main], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.scratch.recordPid(child.pid);
    let output = '';
    this.listening = new Promise<void>((resolveListening, reject) => {
      const read = (d: Buffer) => {
        const text = String(d);
        this.logFile.write(text);
        this.tail.push(text);
        if (this.tail.length > 200) this.tail.splice(0, this.tail.length - 200);
        if (output !== null && output.length < 100_000) {
          output += text;
          if (/listening on/.test(output)) {
            output = '';
            resolveListening();
          }
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code, signal) => {
        reject(new Error(`${this.instance} exited (${signal ?? code}) before listening`));
        if (this.child !== child) return;
        this.child = null;
        if (this.stopping || !this.restartOnExit) return;
        this.restarts++;
        this.log.info(`supervisor: ${this.instance} exited (${signal ?? code}), restarting it`);
        // Until the next incarnation is spawned, whenListening() must wait for it, not
        // answer with the dead one's long-resolved promise.
        let spawned!: () => void;
        this.listening = new Promise<void>((r) => (spawned = r)).then(() => this.listening);
        this.listening.catch(() => undefined);
        setTimeout(() => {
          if (!this.stopping && !this.child) this.spawn();
          spawned();
        }, 300).unref();
      });
    });
    this.listening.catch(() => undefined);
  }

  /** kill -9. With `restart` the supervisor brings it back, as in production. */
  async kill9({ restart }: { restart: boolean }): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.restartOnExit = restart;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGKILL');
    });
  }

  /** A clean stop (SIGTERM), never restarted; SIGKILL after 10 s. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill(signal);
    });
  }

  killSync() {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }

  closeLog() {
    this.logFile.end();
  }
}

export interface FaultStackOptions {
  scenario: string;
  services: ServiceName[];
  /** Settings for every service (batch sizes, sweep intervals…). */
  env?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/**
 * A whole deployment of its own for one scenario: throw-away PostgreSQL and Redis, a database
 * created and migrated the way `cli migrate` does it, and the services as supervised
 * processes pointed at them through their environment.
 */
export class FaultStack {
  readonly services = new Map<string, ServiceProcess>();
  private exitGuard = () => this.killAllSync();

  private constructor(
    readonly log: FaultLog,
    readonly scratch: ScratchDir,
    readonly pg: ThrowawayPostgres,
    readonly redis: ThrowawayRedis,
    readonly env: Record<string, string>,
    readonly cfg: AppConfig,
    /** The schema owner, as an operator (or an attacker with the owner's password) connects. */
    readonly owner: Pool,
    /** Where the services' output and the scenario's own records go (.local/faults/<scenario>). */
    readonly logDir: string,
    /** This scenario's copy of the build. */
    private readonly dist: string,
  ) {
    process.once('exit', this.exitGuard);
  }

  static async create(opts: FaultStackOptions): Promise<FaultStack> {
    const log = new FaultLog(opts.scenario);
    const scratch = new ScratchDir();
    let pg: ThrowawayPostgres | undefined;
    let redis: ThrowawayRedis | undefined;
    try {
      [pg, redis] = await Promise.all([
        ThrowawayPostgres.create(scratch),
        ThrowawayRedis.create(scratch),
      ]);
      log.action(
        `started a throw-away PostgreSQL on :${pg.port} (${scratch.path}) and Redis on :${redis.port}`,
      );
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined && !INHERITED_SETTING.test(k)) env[k] = v;
      }
      Object.assign(env, {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_HOST: '127.0.0.1',
        DATABASE_PORT: String(pg.port),
        DATABASE_NAME: 'trace_faults',
        DATABASE_ADMIN_URL: pg.adminUrl,
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
        REDIS_PREFIX: 'trace-faults',
        JWT_SECRET: FAULT_JWT_SECRET,
        SECRETS_FILE: join(scratch.path, 'dev-secrets.json'),
        LEDGER_ORIGIN: 'trace-ledger.test/faults',
        LEDGER_SIGNING_KEY: formatPrivateKey(generateSigner('trace-ledger.test/faults')),
        PATIENT_DATA_KEY: randomBytes(32).toString('base64'),
        PATIENT_REF_KEY: randomBytes(32).toString('base64'),
        LEDGER_CHECKPOINT_INTERVAL_MS: '250',
        INGEST_REDELIVER_AFTER_MS: '3000',
        INGEST_RECOVERY_INTERVAL_MS: '500',
        ...opts.env,
      });
      for (const service of Object.keys(PORT_SETTING) as ServiceName[]) {
        env[PORT_SETTING[service]] = String(await freePort());
      }
      const cfg = loadAppConfig(env);
      await ensureRolesAndDatabase(cfg.database);
      await runMigrations(cfg.database);
      log.action(`created database ${cfg.database.database} with its roles and migrated it`);
      const owner = new Pool({
        host: '127.0.0.1',
        port: pg.port,
        database: cfg.database.database,
        user: cfg.database.ownerUser,
        password: cfg.database.ownerPassword,
        max: 4,
      });
      // Idle connections die with a PostgreSQL restart; queries after it reconnect.
      owner.on('error', () => undefined);
      const logDir = resolve(ROOT, '.local/faults', opts.scenario);
      rmSync(logDir, { recursive: true, force: true }); // this run's logs only
      mkdirSync(logDir, { recursive: true });
      const dist = await privateDist(logDir, log);
      const stack = new FaultStack(log, scratch, pg, redis, env, cfg, owner, logDir, dist);
      await Promise.all(opts.services.map((s) => stack.startService(s)));
      log.action(`started ${opts.services.join(', ')} as processes (logs in ${logDir})`);
      return stack;
    } catch (err) {
      redis?.stopSync();
      pg?.stopSync();
      scratch.remove();
      throw err;
    }
  }

  /** Starts a service (or another instance of one, e.g. a standby ledger-writer). */
  async startService(name: ServiceName, instance: string = name): Promise<ServiceProcess> {
    const port = instance === name ? Number(this.env[PORT_SETTING[name]]) : await freePort();
    // The ledger-writer logs leadership at info level; the APIs would log every request.
    const logLevel = name === 'ledger-writer' ? 'info' : this.env.LOG_LEVEL;
    const svc = new ServiceProcess(
      name,
      instance,
      port,
      mainOf(this.dist, name),
      { ...this.env, [PORT_SETTING[name]]: String(port), LOG_LEVEL: logLevel },
      this.log,
      this.scratch,
      this.logDir,
    );
    this.services.set(instance, svc);
    await svc.start();
    return svc;
  }

  service(instance: string): ServiceProcess {
    const svc = this.services.get(instance);
    if (!svc) throw new Error(`no service ${instance} in this stack`);
    return svc;
  }

  bearer(sub: string, org: string, ...roles: Role[]): string {
    return `Bearer ${TokenService.issueWith(this.cfg.auth, { sub, org, roles })}`;
  }

  /** One HTTP request to a service; network errors are thrown. */
  async http(
    instance: string,
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: unknown;
      raw?: string | Buffer;
      headers?: Record<string, string>;
      timeoutMs?: number;
    } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.Authorization = opts.token;
    let body: string | Buffer | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(`${this.service(instance).url}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  /** Runs the built CLI as an operator would, against this stack. */
  cli(...args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [mainOf(this.dist, 'cli'), ...args],
        { env: this.env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) =>
          done({
            code: err ? Number((err as { code?: number }).code ?? 1) : 0,
            out: stdout + stderr,
          }),
      );
    });
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.owner.query(sql, params);
    return Number(Object.values(rows[0])[0]);
  }

  /** Entries in the ledger, or null while the database does not answer. */
  async ledgerSize(): Promise<number | null> {
    try {
      return await this.count('SELECT count(*) FROM ledger_entries');
    } catch {
      return null;
    }
  }

  async waitFor<T>(
    what: string,
    probe: () => Promise<T | null | undefined | false>,
    timeoutMs = 60_000,
    everyMs = 100,
  ): Promise<T> {
    const started = Date.now();
    let lastError: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (err) {
        lastError = err; // e.g. the database restarting: keep asking
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
        );
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Stops and deletes everything this stack started, also after a failure. */
  async destroy(): Promise<void> {
    for (const svc of this.services.values()) svc.killSync();
    await Promise.all(
      [...this.services.values()].map((svc) => svc.stop('SIGKILL').then(() => svc.closeLog())),
    );
    await this.owner.end().catch(() => undefined);
    this.redis.stopSync();
    this.pg.stopSync();
    this.scratch.remove();
    rmSync(this.dist, { recursive: true, force: true });
    process.removeListener('exit', this.exitGuard);
    this.log.action('stopped the services, PostgreSQL and Redis; deleted the scratch directory');
  }

  private killAllSync() {
    for (const svc of this.services.values()) svc.killSync();
    this.redis.stopSync();
    this.pg.stopSync();
    this.scratch.remove();
    rmSync(this.dist, { recursive: true, force: true });
  }
}
