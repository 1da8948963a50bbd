/**
 * A stand-in for the drop page's document and fetch, in Node, for the WAF integration's unit tests
 * (src/web/drop/waf-token.ts, waf-captcha.ts): a script tag "loads" as soon as it is appended, defining the
 * globals its script would (challenge.js: `AwsWafIntegration`; jsapi.js: `AwsWafCaptcha`), and every fetch is
 * recorded and answered 200 `{}`.
 */
export interface WafPageStandIn {
  /** The `src` of each script the page appended, in order. */
  readonly scripts: string[];
  /** Every request the page's fetch sent. */
  readonly seen: Request[];
  /** Puts the real fetch back and removes the document and every global a script defined. */
  restore(): void;
}

interface FakeScript {
  src: string;
  onload?: () => void;
  onerror?: () => void;
}

/**
 * Installs the stand-in on `globalThis` (a page's `window`); `globalsOf(src)` gives the globals a script defines when
 * it runs.
 */
export function standInWafPage(globalsOf: (src: string) => Record<string, unknown>): WafPageStandIn {
  const realFetch = globalThis.fetch;
  const scripts: string[] = [];
  const seen: Request[] = [];
  const defined = new Set(['document']);
  globalThis.fetch = (async (input: Request | string | URL, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  Object.assign(globalThis, {
    document: {
      createElement: () => ({ src: '' }) as FakeScript,
      head: {
        append: (script: FakeScript) => {
          scripts.push(script.src);
          const globals = globalsOf(script.src);
          for (const name of Object.keys(globals)) defined.add(name);
          Object.assign(globalThis, globals);
          script.onload?.();
        },
      },
    },
  });
  return {
    scripts,
    seen,
    restore: () => {
      globalThis.fetch = realFetch;
      for (const name of defined) Reflect.deleteProperty(globalThis, name);
    },
  };
}

/** Lets the promise chains of loading scripts, acquiring tokens and solving puzzles run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
