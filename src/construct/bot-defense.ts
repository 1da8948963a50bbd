import type { CfnWebACL, CfnWebACLProps } from 'aws-cdk-lib/aws-wafv2';
import { ROUTES } from '../contract/routes';
import { checkInteger } from './validate';

/**
 * The bot defense of the issue route at the edge (the construct's `botDefense` props): AWS WAF rules on
 * `POST /v1/campaigns/{campaignId}/issue` only, so that the count route's polling pays no Bot Control or challenge
 * fee. Prices: https://aws.amazon.com/waf/pricing/ (README "Bot defense at the edge").
 */

/**
 * What WAF asks of a client calling the issue route without a valid token: `challenge` (a silent browser
 * interrogation; HTTP 202 with `x-amzn-waf-action: challenge` to a fetch without a token) or `captcha` (a puzzle
 * a person solves; HTTP 405 with `x-amzn-waf-action: captcha`).
 */
export type BotDefenseAction = 'challenge' | 'captcha';

/**
 * The AWS WAF Bot Control rule group's inspection level: `COMMON` (self-identifying bots, HTTP libraries, known
 * bot signatures) or `TARGETED` (adds browser-fingerprint, token-session and machine-learning detections of bots
 * that pose as browsers).
 */
export type BotControlInspectionLevel = 'COMMON' | 'TARGETED';

/** The actions `botDefense` accepts. */
export const BOT_DEFENSE_ACTIONS: readonly BotDefenseAction[] = ['challenge', 'captcha'];
/** The levels `botControlInspectionLevel` accepts. */
export const BOT_CONTROL_INSPECTION_LEVELS: readonly BotControlInspectionLevel[] = ['COMMON', 'TARGETED'];

/** The defaults of the bot-defense props (each prop's `@default`). */
export const BOT_DEFENSE_DEFAULTS = {
  inspectionLevel: 'COMMON' as BotControlInspectionLevel,
  /** AWS WAF's own default immunity time, s. */
  tokenImmunitySeconds: 300,
  /** A person claims once per day; a few retries on 503 and a shared NAT fit well below it. */
  issueRateLimitPerIp: 100,
  /**
   * Every visitor on one browser build shares one JA4 fingerprint, so this must stay above the crowd expected per
   * browser build in 5 minutes; it stops a fleet with one TLS stack behind many IPs.
   */
  issueRateLimitPerJa4: 20_000,
} as const;

/** AWS WAF's range of a token's immunity time, s (ImmunityTimeProperty: 60 s to 259,200 s, three days). */
export const TOKEN_IMMUNITY_RANGE_SECONDS = { min: 60, max: 259_200 } as const;

/** AWS WAF's smallest rate-based rule limit, requests per evaluation window. */
const WAF_MIN_RATE_LIMIT = 10;

/** The bot-defense props as the construct reads them (FcfsCouponProps). */
export interface BotDefenseSettings {
  readonly botDefense?: BotDefenseAction;
  readonly botControlInspectionLevel?: BotControlInspectionLevel;
  readonly botTokenImmunitySeconds?: number;
  readonly issueRateLimitPerIp?: number;
  readonly issueRateLimitPerJa4?: number;
}

/**
 * Checks the bot-defense props before anything is built.
 * @throws Error naming the prop: an unknown action or level, an immunity time outside 60-259,200 s, a rate limit
 *   that is not an integer >= 10 per 5 minutes, or a bot-defense setting without `botDefense`.
 */
export function checkBotDefense(props: BotDefenseSettings): void {
  const { botDefense, botControlInspectionLevel: level } = props;
  if (botDefense !== undefined && !BOT_DEFENSE_ACTIONS.includes(botDefense)) {
    throw new Error(`botDefense must be one of ${BOT_DEFENSE_ACTIONS.join(', ')}, not ${JSON.stringify(botDefense)}`);
  }
  if (level !== undefined && !BOT_CONTROL_INSPECTION_LEVELS.includes(level)) {
    throw new Error(
      `botControlInspectionLevel must be one of ${BOT_CONTROL_INSPECTION_LEVELS.join(', ')}, not ${JSON.stringify(level)}`,
    );
  }
  const { min, max } = TOKEN_IMMUNITY_RANGE_SECONDS;
  checkInteger('botTokenImmunitySeconds', props.botTokenImmunitySeconds, min, max, 's');
  const per5Minutes = 'requests per 5 minutes';
  checkInteger('issueRateLimitPerIp', props.issueRateLimitPerIp, WAF_MIN_RATE_LIMIT, 2_000_000_000, per5Minutes);
  checkInteger('issueRateLimitPerJa4', props.issueRateLimitPerJa4, WAF_MIN_RATE_LIMIT, 2_000_000_000, per5Minutes);
  if (botDefense === undefined) {
    const dependent = (
      ['botControlInspectionLevel', 'botTokenImmunitySeconds', 'issueRateLimitPerIp', 'issueRateLimitPerJa4'] as const
    ).find((name) => props[name] !== undefined);
    if (dependent) throw new Error(`${dependent} needs botDefense ('challenge' or 'captcha')`);
  }
}

/** The issue route (src/contract/routes.ts). */
const ISSUE_ROUTE = ROUTES.find((r) => r.operation === 'issueCoupon');

/** The issue route's path as an anchored regular expression over the URI path, e.g. `^/v1/campaigns/[^/]+/issue$`. */
export const ISSUE_PATH_REGEX = `^${(ISSUE_ROUTE?.path ?? '').replace(/\{[^}]+\}/g, '[^/]+')}$`;

/** The names of the bot-defense rules: each is also its CloudWatch metric's `Rule` dimension. */
export const BOT_RULE = {
  issueRatePerIp: 'IssueRatePerIp',
  issueRatePerJa4: 'IssueRatePerJa4',
  botControl: 'BotControl',
  issueChallenge: 'IssueChallenge',
} as const;

/** Matches the issue route: its method and its path (the campaign id as any one path segment). */
export function issueRouteStatement(): CfnWebACL.StatementProperty {
  return {
    andStatement: {
      statements: [
        {
          byteMatchStatement: {
            fieldToMatch: { method: {} },
            positionalConstraint: 'EXACTLY',
            searchString: ISSUE_ROUTE?.method ?? 'POST',
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        {
          regexMatchStatement: {
            fieldToMatch: { uriPath: {} },
            regexString: ISSUE_PATH_REGEX,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      ],
    },
  };
}

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The bot-defense rules, in evaluation order from `firstPriority`: the per-IP and per-JA4 rate-based blocks on the
 * issue route (first, so a flood is blocked before it costs a Bot Control inspection or a challenge), the Bot
 * Control rule group scoped down to the issue route, then the Challenge or CAPTCHA on the issue route. A request
 * that carries a valid token passes the challenge rule and goes on to the web ACL's default action (allow).
 */
export function botDefenseRules(
  settings: BotDefenseSettings & { readonly botDefense: BotDefenseAction },
  firstPriority: number,
): CfnWebACL.RuleProperty[] {
  const level = settings.botControlInspectionLevel ?? BOT_DEFENSE_DEFAULTS.inspectionLevel;
  const issueRoute = issueRouteStatement();
  return [
    {
      name: BOT_RULE.issueRatePerIp,
      priority: firstPriority,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: settings.issueRateLimitPerIp ?? BOT_DEFENSE_DEFAULTS.issueRateLimitPerIp,
          evaluationWindowSec: 300,
          aggregateKeyType: 'IP',
          scopeDownStatement: issueRoute,
        },
      },
      visibilityConfig: visibility(BOT_RULE.issueRatePerIp),
    },
    {
      name: BOT_RULE.issueRatePerJa4,
      priority: firstPriority + 1,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: settings.issueRateLimitPerJa4 ?? BOT_DEFENSE_DEFAULTS.issueRateLimitPerJa4,
          evaluationWindowSec: 300,
          aggregateKeyType: 'CUSTOM_KEYS',
          // A request whose TLS Client Hello yields no fingerprint is not counted (the per-IP rule still is).
          customKeys: [{ ja4Fingerprint: { fallbackBehavior: 'NO_MATCH' } }],
          scopeDownStatement: issueRoute,
        },
      },
      visibilityConfig: visibility(BOT_RULE.issueRatePerJa4),
    },
    {
      name: BOT_RULE.botControl,
      priority: firstPriority + 2,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: 'AWSManagedRulesBotControlRuleSet',
          managedRuleGroupConfigs: [{ awsManagedRulesBotControlRuleSet: { inspectionLevel: level } }],
          scopeDownStatement: issueRoute,
        },
      },
      visibilityConfig: visibility(BOT_RULE.botControl),
    },
    {
      name: BOT_RULE.issueChallenge,
      priority: firstPriority + 3,
      action: settings.botDefense === 'captcha' ? { captcha: {} } : { challenge: {} },
      statement: issueRoute,
      visibilityConfig: visibility(BOT_RULE.issueChallenge),
    },
  ];
}

/** The web ACL's token settings: how long a solved challenge or CAPTCHA keeps a client immune, s. */
export function tokenImmunity(settings: BotDefenseSettings): Pick<CfnWebACLProps, 'challengeConfig' | 'captchaConfig'> {
  const immunityTime = settings.botTokenImmunitySeconds ?? BOT_DEFENSE_DEFAULTS.tokenImmunitySeconds;
  return {
    challengeConfig: { immunityTimeProperty: { immunityTime } },
    captchaConfig: { immunityTimeProperty: { immunityTime } },
  };
}
