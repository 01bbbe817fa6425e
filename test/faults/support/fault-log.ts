/**
 * What a scenario did and what it checked, one line each, written straight to stdout so that
 * CI shows it as it happens (Jest's console capture would add a stack location to each line).
 * A failed check does not stop the scenario: every check runs and prints, and the test fails
 * at the end with the list.
 */
export class FaultLog {
  readonly failures: string[] = [];
  private readonly started = Date.now();

  constructor(readonly scenario: string) {}

  private line(kind: string, text: string) {
    const at = ((Date.now() - this.started) / 1000).toFixed(1).padStart(6);
    process.stdout.write(`[${this.scenario} ${at}s] ${kind} ${text}\n`);
  }

  /** Something the scenario did to the system. */
  action(text: string) {
    this.line('do   ', text);
  }

  /** Something observed, worth knowing when reading a run. */
  info(text: string) {
    this.line('info ', text);
  }

  check(text: string, ok: boolean, detail = ''): boolean {
    this.line(
      ok ? 'check ✓' : 'check ✗',
      ok ? text : `${text} — FAILED${detail ? `: ${detail}` : ''}`,
    );
    if (!ok) this.failures.push(detail ? `${text}: ${detail}` : text);
    return ok;
  }

  /** Fails the test if any check failed (call last). */
  assertAllPassed() {
    this.info(
      this.failures.length === 0
        ? 'all checks passed'
        : `${this.failures.length} check(s) FAILED:\n  - ${this.failures.join('\n  - ')}`,
    );
    expect(this.failures).toEqual([]);
  }
}

export const fmt = (n: number) => n.toLocaleString('en-US');
