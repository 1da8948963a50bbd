// AWS WAF's CAPTCHA on the drop page (the construct's `botDefense: 'captcha'`, config.json's `wafCaptchaApiKey`):
// WAF puts a CAPTCHA action on the issue route, so a person solves the puzzle in the claim card before the claim.
// `jsapi.js` (AWS WAF's CAPTCHA JavaScript API, from the web ACL's integration URL) defines
// `window.AwsWafCaptcha` and also loads the silent-challenge integration (`AwsWafIntegration`) that waf-token.ts
// uses; `renderCaptcha` shows the puzzle and calls `onSuccess` with a token that carries the solved CAPTCHA.
// AWS documents the API: https://docs.aws.amazon.com/waf/latest/developerguide/waf-js-captcha-api-specification.html

/** The configuration of `AwsWafCaptcha.renderCaptcha` that the page sets (AWS's specification has more). */
export interface RenderCaptchaOptions {
  /** The API key for the page's domain (config.json `wafCaptchaApiKey`). */
  readonly apiKey: string;
  /** Called with a WAF token that proves the solved puzzle. */
  readonly onSuccess: (wafToken: string) => void;
  /** Called when the puzzle cannot be shown or checked (e.g. a network error or an API key for another domain). */
  readonly onError: (error: unknown) => void;
  /** The puzzle fits its container's width. */
  readonly dynamicWidth: boolean;
}

/** The part of `window.AwsWafCaptcha` (jsapi.js) that the page uses. */
export interface AwsWafCaptchaApi {
  /** Renders the puzzle into `container` (a DOM Element). */
  renderCaptcha(container: object, options: RenderCaptchaOptions): void;
}

/** Defined by jsapi.js once it has run. */
const page = globalThis as unknown as { readonly AwsWafCaptcha?: AwsWafCaptchaApi };

/** `<url>jsapi.js`, the CAPTCHA API script, whether or not the integration URL ends in `/`. */
export function captchaScriptUrl(integrationUrl: string): string {
  return `${integrationUrl.replace(/\/+$/, '')}/jsapi.js`;
}

/** The drop page's CAPTCHA: the puzzle, and the token its solution gave. */
export interface WafCaptcha {
  /** The token of the last solved puzzle; undefined before one is solved and after {@link WafCaptcha.forget}. */
  token(): string | undefined;
  /**
   * Renders the puzzle into `container` (it replaces what the container held) and resolves with the token once the
   * visitor solved it, or undefined when jsapi.js did not load or the puzzle reported an error. A call while a
   * puzzle is showing answers with that same puzzle's outcome.
   */
  solve(container: object): Promise<string | undefined>;
  /** Drops the token: WAF refused it (its immunity time, `botTokenImmunitySeconds`, has passed). */
  forget(): void;
}

/**
 * The CAPTCHA of the page, once `loaded` (jsapi.js has run, or failed to load: then it never renders) defines
 * `window.AwsWafCaptcha`, with the API key `apiKey`.
 */
export function wafCaptcha(apiKey: string, loaded: Promise<unknown>): WafCaptcha {
  let solved: string | undefined;
  let showing: Promise<string | undefined> | undefined;
  const render = async (container: object): Promise<string | undefined> => {
    await loaded.catch(() => undefined);
    const api = page.AwsWafCaptcha;
    if (!api) return undefined;
    return new Promise((resolve) => {
      try {
        api.renderCaptcha(container, {
          apiKey,
          onSuccess: (wafToken) => {
            solved = wafToken;
            resolve(wafToken);
          },
          onError: () => resolve(undefined),
          dynamicWidth: true,
        });
      } catch {
        resolve(undefined);
      }
    });
  };
  return {
    token: () => solved,
    solve(container) {
      showing ??= render(container).finally(() => {
        showing = undefined;
      });
      return showing;
    },
    forget() {
      solved = undefined;
    },
  };
}
