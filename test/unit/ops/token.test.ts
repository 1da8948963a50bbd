import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { idTokenOf } from '../../../tools/ops/token';

/** A Cognito client that records each command and answers through `answer`. */
function fakeCognito(answer: (command: object, calls: object[]) => unknown) {
  const calls: object[] = [];
  const client = {
    send: async (command: object) => {
      calls.push(command);
      return answer(command, calls);
    },
  } as unknown as CognitoIdentityProviderClient;
  return { client, calls };
}

const notFound = () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });

describe('ops: npm run token', () => {
  it('creates a missing user without an invitation, sets a permanent password and returns its ID token', async () => {
    const { client, calls } = fakeCognito((command, so) => {
      const passwordSets = so.filter((c) => c instanceof AdminSetUserPasswordCommand).length;
      if (command instanceof AdminSetUserPasswordCommand && passwordSets === 1) throw notFound();
      if (command instanceof AdminInitiateAuthCommand) return { AuthenticationResult: { IdToken: 'id-token' } };
      return {};
    });
    expect(await idTokenOf(client, 'eu-west-1_Pool', 'operator-client', 'qa@example.com')).toBe('id-token');
    expect(calls.map((c) => c.constructor.name)).toEqual([
      'AdminSetUserPasswordCommand',
      'AdminCreateUserCommand',
      'AdminSetUserPasswordCommand',
      'AdminInitiateAuthCommand',
    ]);
    const create = calls[1] as AdminCreateUserCommand;
    expect(create.input).toMatchObject({
      UserPoolId: 'eu-west-1_Pool',
      Username: 'qa@example.com',
      MessageAction: 'SUPPRESS',
    });
    const set = calls[2] as AdminSetUserPasswordCommand;
    const auth = calls[3] as AdminInitiateAuthCommand;
    expect(set.input.Permanent).toBe(true);
    expect(set.input.Password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{12,}$/);
    expect(auth.input).toMatchObject({
      ClientId: 'operator-client',
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'qa@example.com', PASSWORD: set.input.Password },
    });
  });

  it('reuses an existing user, and fails clearly when sign-in asks for a challenge', async () => {
    const { client, calls } = fakeCognito((command) =>
      command instanceof AdminInitiateAuthCommand ? { ChallengeName: 'SOFTWARE_TOKEN_MFA' } : {},
    );
    await expect(idTokenOf(client, 'eu-west-1_Pool', 'c', 'qa@example.com')).rejects.toThrow(/SOFTWARE_TOKEN_MFA/);
    expect(calls.some((c) => c instanceof AdminCreateUserCommand)).toBe(false);
  });

  it('passes on any other Cognito error as is', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    const { client } = fakeCognito(() => {
      throw denied;
    });
    await expect(idTokenOf(client, 'p', 'c', 'qa@example.com')).rejects.toBe(denied);
  });
});
