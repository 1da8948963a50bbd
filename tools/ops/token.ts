import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';

// `npm run token -- --user-pool <id> --client <id> --user <email> [--user <email>...] [--out tokens.json]`: for the
// stack's Cognito pool (outputs UserPoolId and OperatorClientId), creates each test user if missing (no invitation
// e-mail, address marked verified), gives it a fresh random password and signs it in with AdminInitiateAuth
// (ADMIN_USER_PASSWORD_AUTH), then prints its ID token (valid 1 h), or writes them all as a JSON array to --out (the
// load test's LOADTEST_TOKENS_FILE). Calls the Cognito admin APIs with the caller's AWS credentials (the SDK's
// default chain), which need cognito-idp:AdminCreateUser, AdminSetUserPassword and AdminInitiateAuth on the pool.

/** A password meeting the pool's policy (12+ characters, lower, upper, digit, symbol); never shown. */
function randomPassword(): string {
  return `${randomBytes(18).toString('base64url')}aA1!`;
}

/**
 * An ID token of `email` in `userPoolId`, signed in through `clientId`, creating the user first when missing.
 * @throws the Cognito error (AccessDenied without the IAM permissions; InvalidParameter when the client does not
 *   allow ADMIN_USER_PASSWORD_AUTH: use OperatorClientId, not the public app client).
 */
export async function idTokenOf(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
  email: string,
): Promise<string> {
  const password = randomPassword();
  const setPassword = () =>
    cognito.send(
      new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: password, Permanent: true }),
    );
  try {
    await setPassword();
  } catch (error) {
    if (!(error instanceof UserNotFoundException)) throw error;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await setPassword();
  }
  const { AuthenticationResult, ChallengeName } = await cognito.send(
    new AdminInitiateAuthCommand({
      UserPoolId: userPoolId,
      ClientId: clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  if (!AuthenticationResult?.IdToken) {
    throw new Error(`sign-in of ${email} needs ${ChallengeName ?? 'a challenge'}; use a test user without MFA`);
  }
  return AuthenticationResult.IdToken;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'user-pool': { type: 'string' },
      client: { type: 'string' },
      user: { type: 'string', multiple: true },
      out: { type: 'string' },
      region: { type: 'string' },
    },
  });
  const userPoolId = values['user-pool'];
  const clientId = values.client;
  const users = values.user ?? [];
  if (!userPoolId || !clientId || users.length === 0) {
    throw new Error('usage: npm run token -- --user-pool <UserPoolId> --client <OperatorClientId> --user <email>');
  }
  // A pool id starts with its region (`eu-west-1_AbC123`).
  const region = values.region ?? process.env.AWS_REGION ?? userPoolId.split('_')[0];
  const cognito = new CognitoIdentityProviderClient({ region });
  const tokens: string[] = [];
  for (const user of users) tokens.push(await idTokenOf(cognito, userPoolId, clientId, user));
  if (values.out) {
    writeFileSync(values.out, JSON.stringify(tokens));
    console.error(`${tokens.length} ID token(s) written to ${values.out}`);
  } else {
    for (const token of tokens) console.log(token);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  });
}
