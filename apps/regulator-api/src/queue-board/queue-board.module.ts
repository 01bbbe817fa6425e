import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { OrganisationDirectory, TokenService } from '@trace/auth';
import { ALL_QUEUES } from '@trace/queue';
import { adminOnly } from './admin-only.middleware';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** Bull Board for operators: queue backlogs, failed jobs and retries, admins only. */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [TokenService, OrganisationDirectory],
      useFactory: (tokens: TokenService, organisations: OrganisationDirectory) => ({
        route: QUEUE_BOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: adminOnly(tokens, organisations),
        boardOptions: { uiConfig: { boardTitle: 'trace-ledger queues' } },
      }),
    }),
    ...ALL_QUEUES.map((name) => BullBoardModule.forFeature({ name, adapter: BullMQAdapter })),
  ],
})
export class QueueBoardModule {}
