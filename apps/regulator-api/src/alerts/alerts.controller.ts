import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OVERSIGHT_ROLES, Roles } from '@trace/auth';
import { ProblemException } from '@trace/http';
import { normaliseGtin } from '@trace/identifiers';
import { AlertsQuery } from './alerts-query.dto';
import { AlertsService } from './alerts.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles(...OVERSIGHT_ROLES)
  @ApiOperation({
    summary: 'What does not add up, newest first, with the ledger entries that prove it',
    description:
      'Refused attempts (alert entries), duplicate code use, cold-chain excursions and take-out cycle anomalies. ledgerIndex names the entry whose receipt is at /v1/ledger/entries/{i}/receipt.',
  })
  list(@Query() q: AlertsQuery) {
    if (q.lot !== undefined && q.gtin === undefined) {
      throw new ProblemException('VALIDATION_FAILED', 'lot: give the gtin of the product too', {
        errors: [{ field: 'lot', code: 'requiresGtin', message: 'lot needs gtin' }],
      });
    }
    const from = q.from === undefined ? undefined : new Date(q.from);
    const to = q.to === undefined ? undefined : new Date(q.to);
    if (from && to && from >= to) {
      throw new ProblemException('VALIDATION_FAILED', 'from must be earlier than to');
    }
    return this.alerts.list(
      {
        kind: q.kind,
        code: q.code,
        organisationCode: q.organisationCode,
        gtin: q.gtin === undefined ? undefined : (normaliseGtin(q.gtin) as string),
        lot: q.lot,
        from,
        to,
      },
      q.page,
      q.pageSize,
    );
  }
}
