import { QueryFailedError } from 'typeorm';
import { toProblem } from './problem-details.filter';

const queryFailed = (driverError: object) =>
  Object.assign(new QueryFailedError('SELECT 1', [], new Error('driver')), { driverError });

describe('toProblem', () => {
  it.each([
    ['a session terminated by a shutdown (57P01)', queryFailed({ code: '57P01' })],
    ['a database starting up (57P03)', queryFailed({ code: '57P03' })],
    ['a broken connection (08006)', queryFailed({ code: '08006' })],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['the pool timing out', new Error('timeout exceeded when trying to connect')],
  ])('answers %s with 503 and a retry hint, not 500', (_what, err) => {
    expect(toProblem(err)).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      retryAfterSeconds: 2,
    });
  });

  it('answers text PostgreSQL cannot hold (a NUL byte) with 400, not 500', () => {
    expect(toProblem(queryFailed({ code: '22021' }))).toMatchObject({ status: 400 });
  });

  it('answers a body nested too deeply with 400', () => {
    const err = Object.assign(new Error('The body nests deeper than 64 levels'), {
      type: 'entity.too.deep',
      status: 403,
    });
    expect(toProblem(err)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('keeps other failures a 500', () => {
    expect(toProblem(new Error('boom'))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(toProblem(queryFailed({ code: '42P01' }))).toMatchObject({ status: 500 });
  });
});
