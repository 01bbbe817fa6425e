import { Logger } from '@nestjs/common';
import type { DatabaseConfig } from '@trace/config';
import { Client } from 'pg';

/** Advisory-lock key of the ledger sequencer ("trace" + 1): one leader per database. */
export const SEQUENCER_LOCK_KEY = 7_263_001_001;

/**
 * Leadership through a session-level PostgreSQL advisory lock on a connection of its own.
 * A standby polls until the leader's session ends (crash, kill -9, network loss), then takes
 * over. Forks are impossible even if two believed they led: every batch also locks the
 * tree-state row and checks the size it extends (see LedgerSequencer).
 */
export class LeaderLock {
  private readonly logger = new Logger(LeaderLock.name);
  private client: Client | null = null;
  private stopped = false;

  constructor(
    private readonly db: DatabaseConfig,
    private readonly onLost: (err: Error) => void,
    private readonly pollMs = 500,
  ) {}

  async acquire(): Promise<boolean> {
    let announced = false;
    while (!this.stopped) {
      try {
        if (!this.client) this.client = await this.connect();
        const { rows } = await this.client.query('SELECT pg_try_advisory_lock($1) AS ok', [
          SEQUENCER_LOCK_KEY,
        ]);
        if (rows[0].ok) {
          this.logger.log('leader lock acquired: this instance is the ledger sequencer');
          return true;
        }
        if (!announced) {
          this.logger.log('another ledger-writer leads; waiting as standby');
          announced = true;
        }
      } catch (err) {
        this.logger.warn(`leader lock: ${(err as Error).message}; retrying`);
        await this.dropClient();
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
    return false;
  }

  async release(): Promise<void> {
    this.stopped = true;
    await this.dropClient();
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      host: this.db.host,
      port: this.db.port,
      database: this.db.database,
      user: this.db.user,
      password: this.db.password,
      application_name: 'ledger-writer-leader-lock',
      keepAlive: true,
    });
    client.on('error', (err) => {
      if (!this.stopped) this.onLost(err);
    });
    client.on('end', () => {
      if (!this.stopped) this.onLost(new Error('leader lock connection closed'));
    });
    await client.connect();
    return client;
  }

  private async dropClient() {
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
