import { winnersCsv } from '../../../src/contract/winners';

describe('contract: winners CSV', () => {
  it('writes CSV a spreadsheet cannot run: quoted separators, neutralised formulas', () => {
    const csv = winnersCsv([
      { rank: 1, userId: 'a,b', admittedAt: 't', couponId: 'c', couponStatus: 'ISSUED' },
      { rank: 2, userId: '=HYPERLINK("x")', admittedAt: 't', couponId: 'd', couponStatus: 'PENDING' },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'rank,userId,admittedAt,couponId,couponStatus',
      '1,"a,b",t,c,ISSUED',
      `2,"'=HYPERLINK(""x"")",t,d,PENDING`,
      '',
    ]);
  });
});
