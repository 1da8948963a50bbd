import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import type { SignatureV4 } from '@smithy/signature-v4';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import * as z from 'zod';
import { type AdminCredentials, executeApiSigner, signableRequest } from './sigv4';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template';

/** How a route is authorized, from its AWS::ApiGatewayV2::Route (AuthorizationType) and authorizer. */
export type RouteAuthorization =
  | { readonly type: 'NONE' }
  | { readonly type: 'JWT'; readonly issuer: string; readonly audience: readonly string[] }
  | { readonly type: 'AWS_IAM' };

/** The outcome of authorizing one request: the event's `requestContext.authorizer`, or API Gateway's refusal. */
export type AuthorizationResult =
  | { readonly ok: true; readonly authorizer?: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly status: number;
      readonly body: { message: string };
      readonly headers?: Record<string, string>;
    };

/** What `POST /_local/token` accepts. */
export const tokenRequestSchema = z.strictObject({
  /** The user id the token names (its `sub`). */
  sub: z.string().min(1).max(256),
  /** Lifetime, s; negative mints an already expired token (for tests). */
  expiresInSeconds: z.number().int().min(-86_400).max(86_400).default(3600),
  /** Claims merged over the defaults (`iss`, `aud`...), to mint wrong-issuer or wrong-audience tokens in tests. */
  claims: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The local identity provider that stands in for the stack's JWT issuer (the Cognito user pool, or the OIDC
 * issuer of `-c auth=oidc`): an RSA key pair generated at start, its public JWKS, and tokens minted with the
 * template's issuer and first audience. Only tokens it signed verify; API Gateway accepts only RSA keys.
 */
export class LocalIssuer {
  /** Built once: jose imports each key on first use and keeps it (a key set per request re-imported every time). */
  private readonly verificationKeys: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    private readonly privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'],
    private readonly keySet: JSONWebKeySet,
    readonly issuer: string,
    readonly audience: readonly string[],
  ) {
    this.verificationKeys = createLocalJWKSet(keySet);
  }

  /** Generates the key pair. @param issuer and audience as resolved from the template's JWT authorizer. */
  static async create(issuer: string, audience: readonly string[]): Promise<LocalIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    return new LocalIssuer(privateKey, { keys: [jwk] }, issuer, audience);
  }

  /** The public keys, as an issuer serves them at its `jwks_uri`. */
  jwks(): JSONWebKeySet {
    return this.keySet;
  }

  /**
   * Signs an RS256 token for `sub`: `iss` the issuer, `aud` the first audience, `token_use: "id"`, `iat`, `exp`,
   * then `claims` merged over them.
   */
  async mint(request: z.input<typeof tokenRequestSchema>): Promise<{ token: string; expiresAt: number }> {
    const { sub, expiresInSeconds, claims } = tokenRequestSchema.parse(request);
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = {
      iss: this.issuer,
      aud: this.audience[0],
      token_use: 'id',
      iat: now,
      exp: now + expiresInSeconds,
      jti: randomUUID(),
      ...claims,
      sub,
    };
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: this.keySet.keys[0]?.kid, typ: 'JWT' })
      .sign(this.privateKey);
    return { token, expiresAt: Number(payload.exp) };
  }

  /**
   * Verifies a request as API Gateway's JWT authorizer does (identity source `$request.header.Authorization`,
   * optional `Bearer ` prefix): a signature by one of the issuer's keys, `iss` equal to the configured issuer,
   * `aud` or `client_id` among the configured audiences, `exp` present and in the future, `nbf` and `iat` not in
   * the future. On success, the claims as the 2.0 payload passes them (every value a string).
   * Refusals are 401 `{"message":"Unauthorized"}` with a `www-authenticate` header saying why.
   */
  async authorize(
    authorization: string | undefined,
    expected: { issuer: string; audience: readonly string[] },
  ): Promise<AuthorizationResult> {
    const refuse = (description: string): AuthorizationResult => ({
      ok: false,
      status: 401,
      body: { message: 'Unauthorized' },
      headers: { 'www-authenticate': `Bearer error="invalid_token" error_description="${description}"` },
    });
    if (!authorization) return { ok: false, status: 401, body: { message: 'Unauthorized' } };
    const token = authorization.replace(/^Bearer\s+/i, '');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.verificationKeys, {
        issuer: expected.issuer,
        algorithms: ['RS256', 'RS384', 'RS512'],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') return refuse('the token has expired');
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return refuse(`invalid claim: ${(error as Error).message}`);
      return refuse('the token could not be verified');
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    if (!audiences.some((a) => expected.audience.includes(a)) && !expected.audience.includes(clientId ?? '')) {
      return refuse('the token audience is not accepted');
    }
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + 5) {
      return refuse('the token was issued in the future');
    }
    const claims = Object.fromEntries(
      Object.entries(payload).map(([k, v]) => [
        k,
        Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v),
      ]),
    );
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : null;
    return { ok: true, authorizer: { jwt: { claims, scopes }, principalId: '', integrationLatency: 0 } };
  }
}

/** Generates the local admin's or checkout's credentials (an AKIA-style key id and a 40-character secret). */
export function generateAdminCredentials(): AdminCredentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
  return {
    accessKeyId: `AKIA${id}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    region: LOCAL_REGION,
    service: 'execute-api',
  };
}

/** Most a signed request's X-Amz-Date may differ from the server's clock, ms (AWS refuses beyond 5 minutes). */
const SIGV4_MAX_SKEW_MS = 5 * 60_000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * IAM authorization of a route as API Gateway does it for one local principal (the admin, or the checkout): the
 * request must carry a SigV4 `Authorization` header (AWS4-HMAC-SHA256, service `execute-api`, the local region) by
 * that principal's access key (another principal's is refused, as AWS refuses a role whose policy lacks the
 * route), an X-Amz-Date within 5 minutes, and a signature that matches the one recomputed over the signed headers,
 * the path, the query and the body. Refusals are 403, as API Gateway answers them.
 */
export class LocalIamAuthorizer {
  private readonly signer: SignatureV4;

  /**
   * `principal` names the local IAM user the credentials stand for (`local-admin`, `local-checkout`): the ARN the
   * functions log.
   */
  constructor(
    private readonly credentials: AdminCredentials,
    private readonly principal = 'local-admin',
  ) {
    this.signer = executeApiSigner(credentials);
  }

  /** Checks one request's signature; on success the event's `requestContext.authorizer.iam` of the local principal. */
  async authorize(req: http.IncomingMessage, url: URL, body: Buffer): Promise<AuthorizationResult> {
    const forbidden = (message: string): AuthorizationResult => ({ ok: false, status: 403, body: { message } });
    const header = req.headers.authorization;
    if (!header) return forbidden('Forbidden');
    const parsed = AUTHORIZATION.exec(header);
    if (!parsed)
      return forbidden('Authorization header requires AWS4-HMAC-SHA256 Credential, SignedHeaders, Signature');
    const [, accessKeyId, , region, service, signedHeaderList, signature] = parsed as unknown as string[];
    if (accessKeyId !== this.credentials.accessKeyId) {
      return forbidden('The security token included in the request is invalid.');
    }
    if (region !== this.credentials.region || service !== this.credentials.service) {
      return forbidden(`Credential should be scoped to a valid region and to the ${this.credentials.service} service`);
    }
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!m) return forbidden('X-Amz-Date header is required (yyyyMMddTHHmmssZ)');
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const signedAt = Date.UTC(year, month - 1, day, hour, minute, second);
    if (Math.abs(Date.now() - signedAt) > SIGV4_MAX_SKEW_MS) return forbidden('Signature expired');
    const signedHeaders = (signedHeaderList as string).split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = req.headers[name];
      if (value === undefined) return forbidden(`signed header ${name} is missing`);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const expected = await this.signer.sign(
      signableRequest(req.method ?? 'GET', url, headers, body.length ? body : undefined),
      { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
    );
    const recomputed = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1] ?? '';
    if (recomputed.length !== 64 || !timingSafeEqual(Buffer.from(recomputed), Buffer.from(signature as string))) {
      return forbidden(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
          'Access Key and signing method.',
      );
    }
    const userId = `AIDA${this.principal.replace(/[^a-z]/g, '').toUpperCase()}`.padEnd(21, '0').slice(0, 21);
    return {
      ok: true,
      authorizer: {
        iam: {
          accessKey: accessKeyId,
          accountId: LOCAL_ACCOUNT,
          callerId: userId,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: `arn:aws:iam::${LOCAL_ACCOUNT}:user/${this.principal}`,
          userId,
        },
      },
    };
  }
}
