import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import type { WebConfig } from '../config';
import { el, field, show } from '../shared/dom';

/** Who the visitor is: a bearer token (jwt) or, in open mode, the user id the requests name. */
export interface Visitor {
  /** The user id shown on the page (the token's subject, or the name given). */
  readonly name: string;
  /** The bearer token; in open mode the user id itself, which the requests send as `userId`. */
  readonly credential: string;
}

/** Session storage only: the sign-in lasts as long as the tab. */
const STORAGE_KEY = 'fcfs-drop.visitor';

/** The visitor signed in this tab, if any. */
export function storedVisitor(): Visitor | undefined {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Visitor;
  } catch {
    return undefined;
  }
}

/** Forgets the visitor. */
export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The `sub` claim of a JWT (decoded, not verified: the API verifies it), for display. */
function subjectOf(token: string): string {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { sub?: string; email?: string; 'cognito:username'?: string };
    return claims.email ?? claims['cognito:username'] ?? claims.sub ?? 'signed in';
  } catch {
    return 'signed in';
  }
}

/** Cognito SRP sign-in to the stack's user pool with its public app client; resolves the ID token. */
function cognitoSignIn(userPoolId: string, clientId: string, username: string, password: string): Promise<string> {
  const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId });
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve(session.getIdToken().getJwtToken()),
      onFailure: (error: Error) => reject(error),
      newPasswordRequired: () =>
        reject(new Error('this user must set a new password first (Cognito hosted UI or admin)')),
      mfaRequired: () => reject(new Error('this user needs multi-factor sign-in, which this example page does not do')),
    });
  });
}

/**
 * The sign-in form for the deployment's user auth (src/web/config.ts WebUserAuth): `local` mints a token from the
 * local issuer for any user name; `cognito` signs in with SRP; `oidc` takes a pasted ID token; `none` takes a
 * user name that the requests send as `userId`. Calls `onSignedIn` after storing the visitor.
 */
export function signInForm(config: WebConfig, onSignedIn: () => void): HTMLElement {
  const auth = config.userAuth;
  const error = el('p', { role: 'alert', class: 'status bad', hidden: true });
  const fields =
    auth.kind === 'cognito'
      ? [
          field('Email or user name', { name: 'username', required: true, autocomplete: 'username' }),
          field('Password', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' }),
        ]
      : auth.kind === 'oidc'
        ? [
            el(
              'label',
              {},
              el('span', {}, `ID token from ${auth.issuer}`),
              el('textarea', { name: 'token', rows: 3, required: true }),
            ),
          ]
        : [
            field(
              'User name',
              { name: 'username', required: true, autocomplete: 'username', pattern: '[^\\s]{1,128}' },
              auth.kind === 'local'
                ? 'the local cloud mints a token for any name'
                : 'open mode: the API trusts the name',
            ),
          ];
  const submit = el('button', { type: 'submit' }, 'Sign in');
  const form = el(
    'form',
    { class: 'grid', 'aria-label': 'Sign in' },
    ...fields,
    el('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    submit.disabled = true;
    error.hidden = true;
    try {
      let visitor: Visitor;
      if (auth.kind === 'local') {
        const response = await fetch(auth.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sub: text('username') }),
        });
        const body = (await response.json()) as { token?: string; message?: string };
        if (!body.token) throw new Error(body.message ?? `the local issuer answered ${response.status}`);
        visitor = { name: text('username'), credential: body.token };
      } else if (auth.kind === 'cognito') {
        const token = await cognitoSignIn(auth.userPoolId, auth.clientId, text('username'), text('password'));
        visitor = { name: subjectOf(token), credential: token };
      } else if (auth.kind === 'oidc') {
        visitor = { name: subjectOf(text('token')), credential: text('token') };
      } else {
        visitor = { name: text('username'), credential: text('username') };
      }
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(visitor));
      onSignedIn();
    } catch (e) {
      show(error, `Sign-in failed: ${e instanceof Error ? e.message : String(e)}`);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return el('div', {}, form, error);
}
