import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** A built service run as a real process, as production runs it (for crash and failover tests). */
export class ChildService {
  readonly output: string[] = [];
  private exitPromise: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d) => this.output.push(String(d)));
    child.stderr?.on('data', (d) => this.output.push(String(d)));
    this.exitPromise = new Promise((r) => child.on('exit', (code) => r(code)));
  }

  static start(name: string, env: Record<string, string>): ChildService {
    const main = resolve(ROOT, `dist/apps/${name}/apps/${name}/src/main.js`);
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
    return new ChildService(
      spawn(process.execPath, [main], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 30000): Promise<void> {
    const started = Date.now();
    while (!pattern.test(this.output.join(''))) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.output.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    this.child.kill(signal);
    return this.exitPromise;
  }

  get exited(): Promise<number | null> {
    return this.exitPromise;
  }
}
