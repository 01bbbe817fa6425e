import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@trace/config';
import { openCheckpoint, parseVerifierKey, signCheckpoint, verifyConsistency } from '@trace/ledger';
import { LedgerReader, LedgerSigner, loadLedgerSigner, readTreeState } from '@trace/ledger-store';
import { DataSource } from 'typeorm';

/**
 * Signs a checkpoint at most once per interval while the log grows, and keeps them all.
 * Before signing it proves the new root consistent with the last signed one: a log must
 * never sign a history that contradicts what it signed before.
 */
@Injectable()
export class CheckpointSignerService implements OnApplicationShutdown {
  private readonly logger = new Logger(CheckpointSignerService.name);
  private readonly key: LedgerSigner;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.key = loadLedgerSigner(cfg.ledger);
  }

  /** Called once this instance leads: only the sequencer signs. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.cfg.ledger.checkpointIntervalMs);
    void this.tick();
  }

  private async tick() {
    if (this.running) return;
    this.running = this.signIfGrown()
      .then(() => undefined)
      .catch((err: Error) => this.logger.error(`checkpoint not signed: ${err.message}`))
      .finally(() => (this.running = null));
    await this.running;
  }

  /** Signs the current tree head if it is larger than the last checkpoint. */
  async signIfGrown(): Promise<number | null> {
    const reader = new LedgerReader(this.dataSource);
    const state = await readTreeState(this.dataSource);
    const last = await reader.latestCheckpoint();
    if (last && last.treeSize >= state.size) return null;
    if (last && last.treeSize > 0) {
      const proof = await reader.consistencyProof(last.treeSize, state.size);
      // Also re-open our own last note: a checkpoint row edited by hand is caught here.
      openCheckpoint(last.note, [parseVerifierKey(this.key.verifierKey)]);
      if (!verifyConsistency(last.treeSize, state.size, proof, last.root, state.root)) {
        throw new Error(
          `refusing to sign: tree ${state.size} is not consistent with checkpoint ${last.treeSize}`,
        );
      }
    }
    const note = signCheckpoint(
      { origin: this.cfg.ledger.origin, size: state.size, root: state.root },
      this.key.signer,
    );
    await this.dataSource.query(
      `INSERT INTO ledger_checkpoints (tree_size, root, note) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [state.size, state.root, note],
    );
    return state.size;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
