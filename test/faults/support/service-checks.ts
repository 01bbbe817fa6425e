import type { FaultStack } from './fault-stack';

export const settleFor = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ledger jobs waiting for the sequencer, as ingest-api's readiness check reports them. */
export async function queueBacklog(stack: FaultStack): Promise<number> {
  const res = await stack.http('ingest-api', 'GET', '/health/ready', { timeoutMs: 5000 });
  const counts = res.body?.details?.redis?.ledgerQueue;
  if (!counts) throw new Error(`no queue counts: ${res.status} ${res.text}`);
  return counts.waiting + counts.active + counts.delayed;
}

/**
 * Every service answers ready (database and Redis up) without anyone having restarted it:
 * the supervisor restarted none of them, or only the number of times the scenario allows
 * (the ledger-writer exits on purpose when it loses its leader-lock session, ADR 0004).
 */
export async function checkServicesRecovered(
  stack: FaultStack,
  allowedRestarts: Record<string, number> = {},
): Promise<void> {
  for (const [instance, svc] of stack.services) {
    let status = 0;
    let text = '';
    try {
      await stack.waitFor(
        `${instance} ready`,
        async () => {
          const res = await stack.http(instance, 'GET', '/health/ready', { timeoutMs: 5000 });
          status = res.status;
          text = res.text;
          return res.status === 200;
        },
        30_000,
        250,
      );
    } catch {
      // reported below
    }
    const allowed = allowedRestarts[instance] ?? 0;
    stack.log.check(
      `${instance} is ready again by itself (restarted by its supervisor ${svc.restarts} time(s), ${allowed} allowed)`,
      status === 200 && svc.restarts <= allowed,
      `ready answered ${status} ${text.slice(0, 300)}`,
    );
  }
}
