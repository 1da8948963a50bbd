// Artillery processor: one user id per virtual user (from a pool, so some ids repeat), a third repeat the request.
let next = 0;
const POOL = Number(process.env.LOADTEST_USERS ?? 1500);

module.exports = {
  pickUser(context, _events, done) {
    context.vars.userId = `load-user-${next++ % POOL}`;
    context.vars.campaignId = process.env.LOADTEST_CAMPAIGN_ID;
    done();
  },
  maybeRepeat(context, _events, done) {
    context.vars.repeat = Math.random() < 1 / 3;
    done();
  },
};
