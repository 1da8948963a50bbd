import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { webPagesAssetDir } from '../../src/construct/assets';
import { contentSecurityPolicy } from '../../src/construct/console-pages';
import type { WebConfig } from '../../src/web/config';
import { WEB_PAGES, type WebPage } from '../../src/web/pages';
import type { LocalControl } from './http-api';
import { sendJson } from './http-server';

/** Content types of the files the pages are built into. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const CSP = contentSecurityPolicy([]);

/** What the local cloud's pages are configured with (src/web/config.ts), but the origin, read from each request. */
export interface LocalWebOptions {
  /** Where the built pages are. @default - the package's prebuilt pages (src/construct/assets.ts) */
  readonly pagesDir?: string;
  readonly region: string;
  /** True when the local issuer mints user tokens (`POST /_local/token`); false in open mode (auth=none). */
  readonly localIssuer: boolean;
  /** The local admin's SigV4 credentials, filled in for the console. */
  readonly adminCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * A page's config.json for a request to `origin` (`http://127.0.0.1:3000`): the API is the same origin (so no
 * CORS), users sign in with the local issuer (or name themselves in open mode), and only the console gets the
 * local admin's credentials (the drop page is a customer's page: it never holds them).
 */
function localWebConfig(origin: string, options: Omit<LocalWebOptions, 'pagesDir'>, page: WebPage): WebConfig {
  const config: WebConfig = {
    apiUrl: origin,
    countUrl: origin,
    region: options.region,
    userAuth: options.localIssuer ? { kind: 'local', tokenUrl: `${origin}/_local/token` } : { kind: 'none' },
  };
  if (page !== 'console') return config;
  const { accessKeyId, secretAccessKey } = options.adminCredentials;
  return { ...config, adminCredentials: { accessKeyId, secretAccessKey } };
}

/**
 * Serves the built pages (those the package ships, as a deployment uploads them) on the API's port: `GET /console/` and
 * `GET /drop/` (their files, read into memory once), `GET /<page>/config.json` ({@link localWebConfig}), and a
 * redirect from `/<page>` to `/<page>/` so the pages' relative URLs resolve. Other paths fall through (false).
 * @throws Error when the pages have not been built (`npm run build:assets`).
 */
export async function startLocalWebPages(options: LocalWebOptions): Promise<LocalControl> {
  const dir = options.pagesDir ?? webPagesAssetDir();
  const files = new Map<string, Buffer>();
  for (const page of WEB_PAGES) {
    for (const file of readdirSync(path.join(dir, page))) {
      files.set(`/${page}/${file}`, readFileSync(path.join(dir, page, file)));
    }
  }
  return async (req, _body, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = new URL(req.url ?? '/', 'http://local');
    const page = WEB_PAGES.find((p) => url.pathname === `/${p}` || url.pathname.startsWith(`/${p}/`));
    if (!page) return false;
    if (url.pathname === `/${page}`) {
      res.writeHead(301, { location: `/${page}/${url.search}`, 'content-length': 0 });
      res.end();
      return true;
    }
    if (url.pathname === `/${page}/config.json`) {
      const origin = `http://${req.headers.host ?? 'localhost'}`;
      sendJson(res, 200, localWebConfig(origin, options, page));
      return true;
    }
    const key = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
    const content = files.get(key);
    if (!content) {
      sendJson(res, 404, { message: 'Not Found' });
      return true;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(key)] ?? 'application/octet-stream',
      'content-length': content.length,
      'cache-control': 'no-cache',
      // The deployed console's policy (src/construct/console.ts), so the browser tests catch what it would block;
      // the API is this origin ('self').
      'content-security-policy': CSP,
    });
    res.end(req.method === 'HEAD' ? undefined : content);
    return true;
  };
}
