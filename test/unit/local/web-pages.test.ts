import * as http from 'node:http';
import { type LocalListener, listenLocal, sendJson } from '../../../tools/local/http-server';
import { startLocalWebPages } from '../../../tools/local/web-pages';

describe('local cloud: the console and the drop page on the API port', () => {
  let server: LocalListener;
  const admin = { accessKeyId: 'AKIALOCAL', secretAccessKey: 'secret' };

  async function serve(localIssuer: boolean): Promise<LocalListener> {
    const pages = await startLocalWebPages({ region: 'eu-west-1', localIssuer, adminCredentials: admin });
    return listenLocal(
      http.createServer(async (req, res) => {
        if (!(await pages(req, Buffer.alloc(0), res))) sendJson(res, 418, { message: 'fell through' });
      }),
    );
  }

  beforeAll(async () => {
    server = await serve(true);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it.each(['console', 'drop'])('serves /%s/ as HTML with its script and stylesheet', async (page) => {
    const html = await fetch(`${server.url}/${page}/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('./main.js');
    const js = await fetch(`${server.url}/${page}/main.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await js.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${server.url}/${page}/main.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('redirects /console to /console/ so that the page’s relative URLs resolve', async () => {
    const response = await fetch(`${server.url}/console?x=1`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/console/?x=1');
  });

  it('answers config.json with the same-origin API and the local issuer; the local admin for the console only', async () => {
    const expected = {
      apiUrl: server.url,
      countUrl: server.url,
      region: 'eu-west-1',
      userAuth: { kind: 'local', tokenUrl: `${server.url}/_local/token` },
    };
    const config = async (page: string) => (await fetch(`${server.url}/${page}/config.json`)).json();
    expect(await config('console')).toEqual({ ...expected, adminCredentials: admin });
    expect(await config('drop')).toEqual(expected);
  });

  it('tells the pages that users name themselves when the stack runs without user auth', async () => {
    const open = await serve(false);
    try {
      const config = (await (await fetch(`${open.url}/drop/config.json`)).json()) as { userAuth: unknown };
      expect(config.userAuth).toEqual({ kind: 'none' });
    } finally {
      await open.close();
    }
  });

  it('answers 404 for a file the build has not, and leaves other paths and methods to the API', async () => {
    expect((await fetch(`${server.url}/console/secret.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/consoles`)).status).toBe(418);
    expect((await fetch(`${server.url}/v1/campaigns/x/count`)).status).toBe(418);
    expect((await fetch(`${server.url}/drop/`, { method: 'POST' })).status).toBe(418);
  });
});
