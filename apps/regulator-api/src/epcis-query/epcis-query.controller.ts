import { applyDecorators, Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '@trace/auth';
import type { Role } from '@trace/domain';
import type { Request, Response } from 'express';
import { EpcisProblemFilter } from './epcis-problem.filter';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE, queryStringPairs } from './epcis-query-parameters';
import { EpcisQueryService } from './epcis-query.service';

/** Regulators and auditors read every organisation's events. */
export const EPCIS_QUERY_ROLES: Role[] = ['regulator', 'auditor'];

const LIST = 'comma-separated list';
const PARAMETERS: [string, string][] = [
  ['eventType', `${LIST}: ObjectEvent, AggregationEvent, TransactionEvent, ...`],
  ['GE_eventTime', 'eventTime ≥ (date-time with offset; "+" may be sent as %2B)'],
  ['LT_eventTime', 'eventTime <'],
  ['GE_recordTime', 'recordTime ≥ (when the ledger recorded the event)'],
  ['LT_recordTime', 'recordTime <'],
  ['EQ_action', `${LIST}: ADD, OBSERVE, DELETE`],
  ['EQ_bizStep', `${LIST}; CBV short name, URN or https://ref.gs1.org/cbv/ URI`],
  ['EQ_disposition', `${LIST}; CBV short name, URN or https://ref.gs1.org/cbv/ URI`],
  ['EQ_readPoint', `${LIST} of location URIs (SGLN URN and Digital Link are equivalent)`],
  ['EQ_bizLocation', `${LIST} of location URIs`],
  ['MATCH_epc', `${LIST}: EPC URIs, Digital Links or patterns (urn:epc:idpat:sgtin:C.I.*)`],
  ['MATCH_parentID', `${LIST}: EPC URIs, Digital Links or patterns`],
  ['MATCH_inputEPC', `${LIST}: EPC URIs, Digital Links or patterns`],
  ['MATCH_outputEPC', `${LIST}: EPC URIs, Digital Links or patterns`],
  ['MATCH_anyEPC', `${LIST}: EPC URIs, Digital Links or patterns`],
  ['MATCH_epcClass', `${LIST}: urn:epc:class:lgtin:..., urn:epc:idpat:sgtin:C.I.*, .../01/{gtin}`],
  ['MATCH_inputEPCClass', `${LIST} of EPC classes or class patterns`],
  ['MATCH_outputEPCClass', `${LIST} of EPC classes or class patterns`],
  ['MATCH_anyEPCClass', `${LIST} of EPC classes or class patterns`],
  ['EQ_ILMD_cbvmda:lotNumber', `${LIST}; any EQ_ILMD_<field> works the same`],
  ['EQ_eventID', LIST],
  ['orderBy', 'eventTime or recordTime (default: ledger order)'],
  ['orderDirection', 'ASC or DESC (default DESC, with orderBy)'],
  ['eventCountLimit', 'only the first N events by orderBy'],
  ['maxEventCount', 'refuse with 413 QueryTooLargeException if more would match'],
  ['perPage', `events per page, 1-${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE})`],
  ['nextPageToken', 'from the Link header of the previous page, with the same parameters'],
];
const ApiEpcisQueryParameters = () =>
  applyDecorators(
    ...PARAMETERS.map(([name, description]) => ApiQuery({ name, description, required: false })),
  );

const EPCIS_HEADERS = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0' };

/** JSON-LD by default as the REST binding has it; plain JSON when that is all a client takes. */
function answerAs(req: Request, res: Response) {
  res.set(EPCIS_HEADERS);
  res.type(req.accepts(['application/ld+json', 'application/json']) || 'application/ld+json');
}

/** The EPCIS 2.0 query interface (REST binding, GET /events). */
@ApiTags('epcis')
@ApiBearerAuth()
@Controller('epcis')
@UseFilters(EpcisProblemFilter)
export class EpcisQueryController {
  constructor(private readonly epcis: EpcisQueryService) {}

  @Get('events')
  @Roles(...EPCIS_QUERY_ROLES)
  @ApiEpcisQueryParameters()
  @ApiProduces('application/ld+json', 'application/json')
  @ApiOperation({
    summary: 'EPCIS 2.0 events matching a SimpleEventQuery, as an EPCISQueryDocument',
    description:
      'Paged: while more events match, a Link header with rel="next" gives the URL of the next page (the same parameters and a nextPageToken). Unknown or malformed parameters: 400 epcisException:QueryParameterException.',
  })
  async events(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const answer = await this.epcis.query(queryStringPairs(req.originalUrl));
    answerAs(req, res);
    if (answer.next) {
      const parameters = [
        ...answer.query.queryParameters,
        ['perPage', String(answer.query.perPage)],
        ['nextPageToken', answer.next.token],
      ]
        .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
        .join('&');
      res.setHeader('Link', `<${req.path}?${parameters}>; rel="next"`);
      res.setHeader('GS1-Next-Page-Token-Expires', answer.next.expiresAt.toISOString());
    }
    return answer.document;
  }

  @Get('events/:eventID')
  @Roles(...EPCIS_QUERY_ROLES)
  @ApiProduces('application/ld+json', 'application/json')
  @ApiOperation({
    summary: 'One EPCIS event by its eventID (URL-encoded), as an EPCISQueryDocument',
    description: '404 epcisException:NoSuchResourceException when the ledger holds no such event.',
  })
  async event(
    @Param('eventID') eventId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const document = await this.epcis.event(eventId);
    answerAs(req, res);
    return document;
  }
}
