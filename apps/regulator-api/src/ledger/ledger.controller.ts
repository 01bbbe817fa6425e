import { Controller, Get, Header, Headers, Param, ParseIntPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { OVERSIGHT_ROLES, Public, Roles } from '@trace/auth';
import { Role, ROLES } from '@trace/domain';
import type { Response } from 'express';
import { ConsistencyProofQuery, InclusionProofQuery } from './ledger-query.dto';
import { LedgerReadService } from './ledger-read.service';

/** Proofs are hashes only: anyone who holds a receipt may check it. */
const PROOF_READERS: Role[] = [...ROLES];
const index = new ParseIntPipe({ errorHttpStatusCode: 400 });
const b64 = (hashes: Buffer[]) => hashes.map((h) => h.toString('base64'));

@ApiTags('ledger')
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerReadService) {}

  @Get('checkpoint')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The latest signed checkpoint (C2SP signed note)' })
  async checkpoint() {
    return (await this.ledger.latestCheckpoint()).note;
  }

  @Get('key')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The verification key text <name>+<keyid>+<base64>' })
  key() {
    return `${this.ledger.verifierKey}\n`;
  }

  @Get('checkpoints/:treeSize')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  async checkpointAt(@Param('treeSize', index) treeSize: number) {
    return (await this.ledger.checkpoint(treeSize)).note;
  }

  @Get('entries/:index')
  @ApiBearerAuth()
  @Roles(...OVERSIGHT_ROLES)
  @ApiOperation({ summary: 'One entry: the exact hashed bytes (base64) and its leaf hash' })
  async entry(@Param('index', index) i: number) {
    const entry = await this.ledger.entry(i);
    return {
      index: entry.index,
      entry: entry.entry.toString('base64'),
      leafHash: entry.leafHash.toString('base64'),
    };
  }

  @Get('proofs/inclusion')
  @ApiBearerAuth()
  @Roles(...PROOF_READERS)
  async inclusion(@Query() q: InclusionProofQuery) {
    return {
      index: q.index,
      treeSize: q.treeSize,
      hashes: b64(await this.ledger.inclusion(q.index, q.treeSize)),
    };
  }

  @Get('proofs/consistency')
  @ApiBearerAuth()
  @Roles(...PROOF_READERS)
  async consistency(@Query() q: ConsistencyProofQuery) {
    return { from: q.from, to: q.to, hashes: b64(await this.ledger.consistency(q.from, q.to)) };
  }

  @Get('entries/:index/receipt')
  @ApiBearerAuth()
  @Roles(...OVERSIGHT_ROLES)
  @ApiProduces('application/json', 'text/x.tlog-proof')
  @ApiOperation({
    summary: 'Offline proof bundle for one entry',
    description: 'JSON by default; C2SP tlog-proof@v1 text with Accept: text/x.tlog-proof.',
  })
  async receipt(
    @Param('index', index) i: number,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const receipt = await this.ledger.receipt(i);
    if (accept?.includes('text/x.tlog-proof')) {
      res.type('text/x.tlog-proof');
      return receipt.text;
    }
    return receipt.json;
  }
}
