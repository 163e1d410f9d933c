import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { CONSOLE_CSP, registerConsole } from '../../src/plugins/console.js';
import { registerProblemHandlers } from '../../src/plugins/problems.js';

/** A console build as Vite lays it out: index.html and hashed assets. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html lang="fr"><script type="module" src="/assets/index-abc123.js"></script></html>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

/** The plugin on a real loopback listener (fastify's inject loads an ESM-only module jest cannot require). */
async function appWith(dir: string): Promise<{ app: FastifyInstance; get(url: string): Promise<Response> }> {
  const app = Fastify({ logger: false });
  registerProblemHandlers(app);
  app.get('/api/v1/known', async () => ({ ok: true }));
  await registerConsole(app, dir);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, get: (url) => fetch(`${address}${url}`) };
}

describe('web console plugin', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof appWith>>;
  beforeAll(async () => {
    dir = fakeBuild();
    server = await appWith(dir);
  });
  afterAll(async () => {
    await server.app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when / is asked, then index.html comes uncached with a CSP that allows no inline script or style', async () => {
    const res = await server.get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(await res.text()).toContain('/assets/index-abc123.js');
  });

  it('when a client route is asked (deep link, reload), then index.html answers', async () => {
    for (const url of ['/users', '/me/password', '/users/employer/0123456789abcdef01234567?x=1']) {
      const res = await server.get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('when a hashed asset is asked, then it is cached for a year as immutable', async () => {
    const res = await server.get('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('when an API, docs, health or asset path is unknown, then it is a 404 problem and never the console', async () => {
    for (const url of ['/api/v1/nothing', '/api', '/docs/nothing', '/health/nothing', '/assets/missing.js', '/favicon.ico']) {
      const res = await server.get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await (await server.get('/api/v1/known')).json()).toEqual({ ok: true });
  });

  it('when the console is not built, then / is a plain 404 problem and the gateway still starts', async () => {
    const bare = await appWith(path.join(os.tmpdir(), 'no-such-console-dist'));
    const res = await bare.get('/');
    expect(res.status).toBe(404);
    await bare.app.close();
  });
});
