import { ProblemException } from '@trace/http';
import type { LedgerVerdict } from '@trace/queue';
import { throwIfRefused } from './ledger-verdicts';

const accepted = (i: number): LedgerVerdict => ({
  eventId: `e${i}`,
  accepted: true,
  ledgerIndex: i,
});
const refused = (i: number, code: string): LedgerVerdict => ({
  eventId: `e${i}`,
  accepted: false,
  code,
  detail: `${code} detail`,
  alertIndex: i,
});

function problemOf(verdicts: LedgerVerdict[]) {
  try {
    throwIfRefused(verdicts);
  } catch (err) {
    const problem = err as ProblemException;
    return { status: problem.getStatus(), body: problem.getResponse() };
  }
  return null;
}

describe('throwIfRefused', () => {
  it('passes when every event was accepted', () => {
    expect(problemOf([accepted(1), accepted(2)])).toBeNull();
  });

  it('answers with the refusal’s code, status and alert entry', () => {
    expect(problemOf([accepted(1), refused(2, 'RECALLED')])).toMatchObject({
      status: 422,
      body: { code: 'RECALLED', detail: 'RECALLED detail', alertIndex: 2 },
    });
  });

  it('in an atomic group, names the event refused on its own account, not the rolled-back ones', () => {
    const group = [
      refused(1, 'CAPTURE_ROLLED_BACK'),
      refused(2, 'ON_HOLD'),
      refused(3, 'CAPTURE_ROLLED_BACK'),
    ];
    expect(problemOf(group)).toMatchObject({ status: 422, body: { code: 'ON_HOLD' } });
  });

  it('never turns an unknown code into a server error', () => {
    expect(problemOf([refused(1, 'SOMETHING_NEW')])).toMatchObject({
      status: 409,
      body: { code: 'INVALID_STATE_TRANSITION' },
    });
  });
});
