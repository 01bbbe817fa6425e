import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@trace/config';
import { ProblemException } from '@trace/http';
import { formatReceipt } from '@trace/ledger';
import {
  LedgerRangeError,
  LedgerReader,
  loadLedgerSigner,
  StoredCheckpoint,
} from '@trace/ledger-store';
import { DataSource } from 'typeorm';

export interface ReceiptJson {
  index: number;
  entry: string;
  leafHash: string;
  inclusion: string[];
  checkpoint: string;
}

/** The ledger as regulators, auditors and outside verifiers read it. */
@Injectable()
export class LedgerReadService {
  readonly reader: LedgerReader;
  readonly verifierKey: string;

  constructor(@InjectDataSource() dataSource: DataSource, @Inject(appConfig.KEY) cfg: AppConfig) {
    this.reader = new LedgerReader(dataSource);
    this.verifierKey = loadLedgerSigner(cfg.ledger).verifierKey;
  }

  async latestCheckpoint(): Promise<StoredCheckpoint> {
    const checkpoint = await this.reader.latestCheckpoint();
    if (!checkpoint) {
      throw new ProblemException('SERVICE_UNAVAILABLE', 'No checkpoint has been signed yet', {
        retryAfterSeconds: 1,
      });
    }
    return checkpoint;
  }

  async checkpoint(treeSize: number): Promise<StoredCheckpoint> {
    const checkpoint = await this.reader.checkpoint(treeSize);
    if (!checkpoint) {
      throw new ProblemException('NOT_FOUND', `No checkpoint was signed at tree size ${treeSize}`);
    }
    return checkpoint;
  }

  async entry(index: number) {
    const entry = await this.reader.entry(index);
    if (!entry) throw new ProblemException('NOT_FOUND', `No entry at index ${index}`);
    return entry;
  }

  inclusion(index: number, treeSize: number) {
    return this.ranged(() => this.reader.inclusionProof(index, treeSize));
  }

  consistency(from: number, to: number) {
    return this.ranged(() => this.reader.consistencyProof(from, to));
  }

  /** Entry bytes, audit path and the signed checkpoint they lead to: checkable offline. */
  async receipt(index: number): Promise<{ json: ReceiptJson; text: string }> {
    const entry = await this.entry(index);
    const checkpoint = await this.reader.latestCheckpointCovering(index);
    if (!checkpoint) {
      throw new ProblemException(
        'SERVICE_UNAVAILABLE',
        `Entry ${index} is not covered by a signed checkpoint yet`,
        { retryAfterSeconds: 1 },
      );
    }
    const inclusion = await this.reader.inclusionProof(index, checkpoint.treeSize);
    return {
      json: {
        index,
        entry: entry.entry.toString('base64'),
        leafHash: entry.leafHash.toString('base64'),
        inclusion: inclusion.map((h) => h.toString('base64')),
        checkpoint: checkpoint.note,
      },
      text: formatReceipt({ index, inclusion, checkpoint: checkpoint.note }),
    };
  }

  private async ranged<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof LedgerRangeError) {
        throw new ProblemException('VALIDATION_FAILED', err.message);
      }
      throw err;
    }
  }
}
