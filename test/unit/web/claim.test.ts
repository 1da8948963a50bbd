import { claimAnswer } from '../../../src/web/drop/claim';

// What the drop page says for each answer of the issue route (src/web/drop/claim.ts).

describe('drop page: claimAnswer', () => {
  it('says the rank of an admission and of a repeat, and why a refusal happened', () => {
    // Prepare
    const problem = (code: string, extra: Record<string, unknown> = {}) => ({ code, message: code, ...extra });
    // Act
    const answers = [
      claimAnswer(202, undefined, { status: 'ACCEPTED', rank: 7, couponId: 'k', issueDate: '2026-12-07' } as never),
      claimAnswer(409, problem('ALREADY_ISSUED', { rank: 3, issueDate: '2026-12-07', limit: 'perUserDailyLimit' })),
      claimAnswer(409, problem('SOLD_OUT')),
      claimAnswer(409, problem('ENDED')),
      claimAnswer(401, { message: 'Unauthorized' }),
    ];
    // Assess
    expect(answers.map((a) => a.tone)).toEqual(['ok', 'ok', 'bad', 'bad', 'warn']);
    expect(answers[0]?.text).toMatch(/#7/);
    expect(answers[1]?.text).toMatch(/#3/);
    expect(answers[4]?.text).toMatch(/sign/);
  });

  it('tells a visitor whose admission outcome is unknown to claim again to find out, apart from a plain 503', () => {
    // Act
    const unknown = claimAnswer(503, { code: 'UNAVAILABLE', message: 'retry', outcome: 'UNKNOWN' });
    const busy = claimAnswer(503, { code: 'UNAVAILABLE', message: 'retry' });
    // Assess
    expect(unknown).toEqual({
      text: 'We could not confirm your claim in time: claim again to see whether you got one.',
      tone: 'warn',
    });
    expect(busy).toEqual({ text: 'Busy right now: try again in a moment.', tone: 'warn' });
  });
});
