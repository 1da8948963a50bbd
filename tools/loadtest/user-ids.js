// Artillery processor: one user id per virtual user (from a pool, so some ids repeat), signed in the way the
// target expects (LOADTEST_AUTH, set by tools/loadtest/run.ts), and a third of the users repeat the request.
//   local: a bearer token minted by the local cloud's issuer (POST /_local/token {"sub"}), cached per user;
//   file:  bearer tokens read from LOADTEST_TOKENS_FILE (a JSON array; user i takes token i mod length; a relative
//          path is read next to this file, where a Fargate worker finds config.includeFiles), for a deployed stack
//          with Cognito or another OIDC issuer;
//   none:  no token, the userId in the body (a stack deployed with -c auth=none).
// Every Artillery worker loads its own copy of this module. With LOADTEST_OFFSET=random (set for distributed runs by
// tools/loadtest/distributed.ts) each starts at a random user of the pool instead of user 0, so the workers of a
// run walk different users rather than all repeating the same ones.
const { randomInt } = require('node:crypto');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const POOL = Number(process.env.LOADTEST_USERS ?? 1500);
let next = process.env.LOADTEST_OFFSET === 'random' ? randomInt(POOL) : 0;
const AUTH = process.env.LOADTEST_AUTH ?? 'local';
const fileTokens =
  AUTH === 'file'
    ? JSON.parse(readFileSync(path.resolve(__dirname, process.env.LOADTEST_TOKENS_FILE ?? 'tokens.json'), 'utf8'))
    : [];
const minted = new Map();

function mint(target, userId) {
  let token = minted.get(userId);
  if (!token) {
    token = fetch(`${target}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: userId }),
    }).then(async (response) => {
      if (response.status !== 200) throw new Error(`token for ${userId}: ${response.status} ${await response.text()}`);
      return (await response.json()).token;
    });
    minted.set(userId, token);
  }
  return token;
}

module.exports = {
  pickUser(context, _events, done) {
    const index = next++ % POOL;
    context.vars.userId = `load-user-${index}`;
    context.vars.campaignId = process.env.LOADTEST_CAMPAIGN_ID;
    if (AUTH === 'none') return done();
    if (AUTH === 'file') {
      context.vars.token = fileTokens[index % fileTokens.length];
      return done();
    }
    mint(process.env.LOADTEST_TARGET ?? context.vars.target, context.vars.userId).then((token) => {
      context.vars.token = token;
      done();
    }, done);
  },
  authorize(requestParams, context, _events, done) {
    if (context.vars.token) {
      requestParams.headers = { ...requestParams.headers, authorization: `Bearer ${context.vars.token}` };
    } else {
      requestParams.json = { userId: context.vars.userId };
    }
    done();
  },
  maybeRepeat(context, _events, done) {
    context.vars.repeat = Math.random() < 1 / 3;
    done();
  },
};
