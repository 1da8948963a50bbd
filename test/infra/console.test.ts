import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';
import { ASSET_CACHE_SECONDS, PAGE_CACHE_SECONDS } from '../../src/construct/console';
import { builtPages, VIEWER_REQUEST_CODE } from '../../src/construct/console-pages';
import { FcfsCouponStack, type FcfsCouponStackProps } from '../../src/construct/fcfs-coupon-stack';
import { WEB_PAGES } from '../../src/web/pages';

// The console option: the pages' bucket and distribution, the API's CORS and each page's config.json, read off the
// synthesized template and cloud assembly (the functions' bundling skipped).

jest.setTimeout(120_000);

const ENV = { account: '111111111111', region: 'eu-west-1' };

/** A synthesized template's resource: CloudFormation JSON, read through paths the tests assert. */
// biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions check its shape
type Json = Record<string, any>;
type Resource = { Type: string; Properties: Json; DependsOn?: string[] };

function synth(props: FcfsCouponStackProps) {
  const app = new App();
  const stack = new FcfsCouponStack(app, 'Console', { env: ENV, ...props });
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  const id = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as never);
  return { stack, template, directory: assembly.directory, id };
}

/** The one resource of `type` in `template` with its logical id. */
function only(template: Template, type: string): [string, Resource] {
  const found = Object.entries(template.findResources(type)) as [string, Resource][];
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** A CloudFormation value as text: `{Ref: X}` -> `${X}`, `{Fn::GetAtt: [X, Y]}` -> `${X.Y}`. */
function render(value: unknown): string {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  throw new Error(`unexpected marker value ${JSON.stringify(value)}`);
}

/**
 * Each page's config.json as the deployment writes it: the staged JSON with its deploy-time markers replaced by
 * the CloudFormation values they stand for, rendered by {@link render}.
 */
function deployedConfigs({ template, directory }: ReturnType<typeof synth>): Record<string, unknown> {
  const [, deployment] = only(template, 'Custom::CDKBucketDeployment');
  const keys = deployment.Properties.SourceObjectKeys as string[];
  const markers = deployment.Properties.SourceMarkers as Record<string, unknown>[];
  const configs: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    for (const page of WEB_PAGES) {
      const file = path.join(directory, `asset.${key.replace(/\.zip$/, '')}`, page, 'config.json');
      if (!existsSync(file)) continue;
      let text = readFileSync(file, 'utf8');
      for (const [marker, value] of Object.entries(markers[i] ?? {})) text = text.split(marker).join(render(value));
      configs[page] = JSON.parse(text);
    }
  });
  return configs;
}

describe('infra: the console option', () => {
  const cognito = synth({ console: true, edge: true, corsAllowOrigins: ['https://shop.example.com'] });
  const { template, stack } = cognito;
  const coupons = stack.coupons;
  const webConsole = coupons.console as NonNullable<typeof coupons.console>;
  const distributionId = cognito.id(webConsole.distribution);

  it('adds nothing without the option: no bucket, no deployment, no CORS', () => {
    const plain = synth({}).template;
    plain.resourceCountIs('AWS::S3::Bucket', 0);
    plain.resourceCountIs('Custom::CDKBucketDeployment', 0);
    plain.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect(
      plain.findResources('AWS::ApiGatewayV2::Api', { Properties: { CorsConfiguration: Match.anyValue() } }),
    ).toEqual({});
    expect(plain.findOutputs('*')).not.toHaveProperty('ConsoleUrl');
  });

  it('keeps the pages in a private, encrypted, TLS-only bucket that is no website', () => {
    const [, bucket] = only(template, 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties).not.toHaveProperty('WebsiteConfiguration');
    expect(bucket.Properties).not.toHaveProperty('AccessControl');
  });

  it('lets only this distribution read the bucket (origin access control), and only over TLS', () => {
    const [, policy] = only(template, 'AWS::S3::BucketPolicy');
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    const deny = statements.filter((s) => s.Effect === 'Deny');
    expect(deny).toEqual([
      expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    const reads = statements.filter((s) => s.Effect === 'Allow' && s.Principal.Service);
    expect(reads).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distributionId },
                ],
              ],
            },
          },
        },
      }),
    ]);
    // Besides CloudFront, only the role that empties the bucket when the stack is deleted.
    const others = statements.filter((s) => s.Effect === 'Allow' && !s.Principal.Service);
    expect(others.map((s) => JSON.stringify(s.Principal))).toEqual([
      expect.stringContaining('CustomS3AutoDeleteObjectsCustomResourceProviderRole'),
    ]);
    expect(JSON.stringify(statements)).not.toContain('"Principal":{"AWS":"*"},"Effect":"Allow"');
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    const distribution = template.toJSON().Resources[distributionId] as Resource;
    const origins = distribution.Properties.DistributionConfig.Origins as Json[];
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({
      OriginAccessControlId: { 'Fn::GetAtt': [expect.stringMatching(/^CouponsConsoleDistributionOrigin1S3/), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  it('serves HTTPS only, with security headers, short-cached pages and invalidated bundles', () => {
    const config = (template.toJSON().Resources[distributionId] as Resource).Properties.DistributionConfig;
    const behaviours = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual(['*.js', '*.css']);
    for (const b of behaviours) {
      expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(b.ResponseHeadersPolicyId).toEqual({ Ref: expect.stringMatching(/SecurityHeaders/) });
      expect(b.AllowedMethods ?? ['HEAD', 'GET']).toEqual(['HEAD', 'GET']);
    }
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/IndexRewrite/), 'FunctionARN'] },
      },
    ]);
    const ttl = (ref: { Ref: string }) =>
      (template.toJSON().Resources[ref.Ref] as Resource).Properties.CachePolicyConfig.DefaultTTL;
    expect(ttl(config.DefaultCacheBehavior.CachePolicyId)).toBe(PAGE_CACHE_SECONDS);
    expect(ttl(config.CacheBehaviors[0].CachePolicyId)).toBe(ASSET_CACHE_SECONDS);

    const [, headers] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(stack.resolve(security.ContentSecurityPolicy.ContentSecurityPolicy));
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' https://*.execute-api.eu-west-1.");
    expect(csp).toContain('https://cognito-idp.eu-west-1.');
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });

    // Every deployment invalidates the whole distribution: main.js carries no content hash.
    const [, deployment] = only(template, 'Custom::CDKBucketDeployment');
    expect(deployment.Properties).toMatchObject({
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/*'],
      Prune: true,
    });
  });

  it("allows CORS from the console's origin and the configured ones only, with the SigV4 headers", () => {
    const [, api] = only(template, 'AWS::ApiGatewayV2::Api');
    expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual([
      'https://shop.example.com',
      { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] },
    ]);
    expect(api.Properties.CorsConfiguration.AllowHeaders).toEqual(
      expect.arrayContaining(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']),
    );
    const alone = synth({ console: true }).template;
    const [, aloneApi] = only(alone, 'AWS::ApiGatewayV2::Api');
    expect(aloneApi.Properties.CorsConfiguration.AllowOrigins).toEqual([
      {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^CouponsConsoleDistribution/), 'DomainName'] }],
        ],
      },
    ]);
  });

  it('writes each page a config.json naming the API, the count URL, the region and the public Cognito client', () => {
    const api = cognito.id(coupons.api.httpApi);
    const edge = cognito.id((coupons.edge as NonNullable<typeof coupons.edge>).distribution);
    const pool = cognito.id(coupons.userAuth.userPool as never);
    const client = cognito.id(coupons.userAuth.userPoolClient as never);
    const expected = {
      apiUrl: `\${${api}.ApiEndpoint}`,
      countUrl: `https://\${${edge}.DomainName}`,
      region: 'eu-west-1',
      userAuth: { kind: 'cognito', userPoolId: `\${${pool}}`, clientId: `\${${client}}` },
    };
    expect(deployedConfigs(cognito)).toEqual({ console: expected, drop: expected });
    // The public client (SRP), not the operators' admin-auth client; never credentials.
    expect(client).toMatch(/AppClient/);
  });

  it('signs drop-page visitors in with the OIDC issuer, and sends them through WAF when it is there', () => {
    const oidc = synth({
      console: true,
      userAuth: 'oidc',
      oidcIssuer: 'https://login.example.com/',
      oidcAudience: ['coupon-api'],
    });
    const oidcConfigs = deployedConfigs(oidc) as Record<string, { userAuth: unknown; countUrl: string }>;
    expect(oidcConfigs.drop?.userAuth).toEqual({ kind: 'oidc', issuer: 'https://login.example.com/' });
    expect(oidcConfigs.console?.countUrl).toMatch(/^\$\{CouponsApiHttpApi\w+\.ApiEndpoint\}$/);

    const waf = synth({ console: true, wafRateLimit: 1000, env: { ...ENV, region: 'us-east-1' } });
    const firewall = waf.id(
      (waf.stack.coupons.edgeFirewall as NonNullable<typeof waf.stack.coupons.edgeFirewall>).distribution,
    );
    const configs = deployedConfigs(waf) as Record<string, { apiUrl: string; countUrl: string }>;
    // The console signs for the execute-api host; visitors go through the WAF distribution.
    expect(configs.console?.apiUrl).toMatch(/^\$\{CouponsApiHttpApi\w+\.ApiEndpoint\}$/);
    expect(configs.drop?.apiUrl).toBe(`https://\${${firewall}.DomainName}`);
    expect(configs.drop?.countUrl).toBe(`https://\${${firewall}.DomainName}`);
  });

  it("with botDefense, gives the drop page WAF's integration URL, allows its script, and accepts the page's tokens", () => {
    const bots = synth({ console: true, botDefense: 'challenge', env: { ...ENV, region: 'us-east-1' } });
    const { edgeFirewall, console: pages } = bots.stack.coupons;
    if (!edgeFirewall || !pages) throw new Error('expected the WAF distribution and the console');
    const [reader] = Object.keys(bots.template.findResources('Custom::AWS'));
    const configs = deployedConfigs(bots) as Record<string, { apiUrl: string; wafIntegrationUrl?: string }>;
    expect(configs.drop?.wafIntegrationUrl).toBe(`\${${reader}.ApplicationIntegrationURL}`);
    expect(configs.drop?.apiUrl).toBe(`https://\${${bots.id(edgeFirewall.distribution)}.DomainName}`);
    // The console calls nothing through WAF.
    expect(configs.console?.wafIntegrationUrl).toBeUndefined();
    const [, headers] = only(bots.template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const csp = JSON.stringify(
      bots.stack.resolve(
        headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
          .ContentSecurityPolicy,
      ),
    );
    expect(csp).toContain("script-src 'self' https://*.awswaf.com;");
    expect(csp).toMatch(/connect-src 'self' [^;]* https:\/\/\*\.awswaf\.com;/);
    // The page acquires its token on its own origin: the web ACL accepts that domain's tokens.
    bots.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      TokenDomains: [{ 'Fn::GetAtt': [bots.id(pages.distribution), 'DomainName'] }],
    });
    // Without botDefense, neither the script nor the URL.
    const plain = synth({ console: true, wafRateLimit: 1000, env: { ...ENV, region: 'us-east-1' } });
    expect(JSON.stringify(plain.template.toJSON())).not.toContain('awswaf.com');
    expect((deployedConfigs(plain) as Record<string, object>).drop).not.toHaveProperty('wafIntegrationUrl');
  });

  it("with botDefense 'captcha', creates a CAPTCHA API key for the pages' domain and gives it to the drop page", () => {
    // Prepare, Act
    const bots = synth({ console: true, botDefense: 'captcha', env: { ...ENV, region: 'us-east-1' } });
    const { edgeFirewall, console: pages } = bots.stack.coupons;
    if (!edgeFirewall || !pages) throw new Error('expected the WAF distribution and the console');

    // Assess: a custom resource calls CreateAPIKey in us-east-1 for the console's domain, DeleteAPIKey on removal.
    const calls = Object.entries(bots.template.findResources('Custom::AWS')) as [string, Resource][];
    const keyCalls = calls.filter(([, r]) => JSON.stringify(r.Properties.Create ?? '').includes('createAPIKey'));
    expect(keyCalls).toHaveLength(1);
    const [keyId, key] = keyCalls[0] as [string, Resource];
    for (const phase of ['Create', 'Update']) {
      const call = JSON.stringify(key.Properties[phase]);
      for (const word of [
        '\\"service\\":\\"WAFV2\\"',
        '\\"region\\":\\"us-east-1\\"',
        '\\"Scope\\":\\"CLOUDFRONT\\"',
      ]) {
        expect(call).toContain(word);
      }
      expect(call).toContain(`"Fn::GetAtt":["${bots.id(pages.distribution)}","DomainName"]`);
    }
    expect(JSON.stringify(key.Properties.Delete)).toContain('deleteAPIKey');
    // The key goes into the drop page's config.json, not the console's.
    const configs = deployedConfigs(bots) as Record<string, { wafCaptchaApiKey?: string }>;
    expect(configs.drop?.wafCaptchaApiKey).toBe(`\${${keyId}.APIKey}`);
    expect(configs.console?.wafCaptchaApiKey).toBeUndefined();
    // The puzzle's images, audio and frames come from WAF's hosts.
    const [, headers] = only(bots.template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const csp = JSON.stringify(
      bots.stack.resolve(
        headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
          .ContentSecurityPolicy,
      ),
    );
    expect(csp).toContain("img-src 'self' data: https://*.awswaf.com blob:;");
    expect(csp).toContain("media-src 'self' https://*.awswaf.com blob:;");
    expect(csp).toContain('frame-src https://*.awswaf.com;');

    // In challenge mode, no key, no config entry and no puzzle sources.
    const challenge = synth({ console: true, botDefense: 'challenge', env: { ...ENV, region: 'us-east-1' } });
    expect(JSON.stringify(challenge.template.toJSON())).not.toContain('createAPIKey');
    expect((deployedConfigs(challenge) as Record<string, object>).drop).not.toHaveProperty('wafCaptchaApiKey');
    expect(JSON.stringify(challenge.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))).not.toMatch(
      /frame-src|media-src/,
    );
  });

  it('outputs the console and drop page URLs', () => {
    const url = (page: string) => ({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, `/${page}/`]],
    });
    template.hasOutput('ConsoleUrl', { Value: url('console') });
    template.hasOutput('DropPageUrl', { Value: url('drop') });
  });

  it('refuses a console value that is not a boolean', () => {
    expect(() => synth({ console: 'true' as never })).toThrow(/console must be true or false, not "true"/);
  });
});

describe('infra: the console distribution viewer-request function', () => {
  type Result = { uri?: string; statusCode?: number; headers?: { location: { value: string } } };
  const handler = vm.runInNewContext(`${VIEWER_REQUEST_CODE}; handler`) as (event: unknown) => Result;
  const request = (uri: string, querystring: Record<string, unknown> = {}) =>
    handler({ request: { method: 'GET', uri, querystring, headers: {}, cookies: {} } });

  it('serves a page folder its index.html and leaves files alone', () => {
    expect(request('/console/').uri).toBe('/console/index.html');
    expect(request('/drop/').uri).toBe('/drop/index.html');
    expect(request('/console/main.js').uri).toBe('/console/main.js');
    expect(request('/drop/config.json').uri).toBe('/drop/config.json');
  });

  it('redirects the root to the console and a page without its slash to its folder, keeping the query', () => {
    expect(request('/')).toMatchObject({ statusCode: 302, headers: { location: { value: '/console/' } } });
    expect(request('/console')).toMatchObject({ statusCode: 301, headers: { location: { value: '/console/' } } });
    const drop = request('/drop', {
      campaign: { value: 'spring-sale' },
      tag: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] },
    });
    expect(drop).toMatchObject({
      statusCode: 301,
      headers: { location: { value: '/drop/?campaign=spring-sale&tag=a&tag=b' } },
    });
  });

  it('is the code the distribution runs', () => {
    const [, fn] = only(synth({ console: true }).template, 'AWS::CloudFront::Function');
    expect(fn.Properties).toMatchObject({
      FunctionCode: VIEWER_REQUEST_CODE,
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
  });
});

describe('infra: the pages asset', () => {
  /** The files of the staged asset of a deployment of the built pages, in a stack of its own. */
  function stagedFiles(): string[] {
    const app = new App();
    const stack = new Stack(app, 'Pages');
    new BucketDeployment(stack, 'Pages', { destinationBucket: new Bucket(stack, 'Bucket'), sources: [builtPages()] });
    const assembly = app.synth();
    const [, deployment] = only(
      Template.fromJSON(assembly.getStackByName('Pages').template),
      'Custom::CDKBucketDeployment',
    );
    const key = (deployment.Properties.SourceObjectKeys as string[])[0] as string;
    const dir = path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  }

  it('stages the pages prebuilt at package build time: each index.html and bundle, no TypeScript source', () => {
    const files = stagedFiles();
    for (const page of WEB_PAGES)
      expect(files).toEqual(expect.arrayContaining([`${page}/index.html`, `${page}/main.js`]));
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });
});
