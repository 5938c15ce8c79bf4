import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../setup/app-server';
import { privatePostgresAvailable, seededPrivatePostgres, type PrivatePostgres } from '../setup/private-postgres';
import { baseEnv, signInCookie } from './hardening-support';
import { newClientBody, openStream } from './live-helpers';

const GRACE_SECONDS = 10;

describe.skipIf(!privatePostgresAvailable())('faults: SIGTERM after PostgreSQL restarted', () => {
  let db: PrivatePostgres;
  let server: AppServer;
  beforeAll(async () => {
    db = await seededPrivatePostgres();
    server = await startAppServer(
      baseEnv({ DATABASE_URL: db.url, NEXT_MANUAL_SIG_HANDLE: 'true', SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), DB_POOL_MAX: '4' }),
    );
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    db?.thaw();
    db?.stop();
  });

  it('exits within the grace period, whatever the pool, the LISTEN connection and the streams went through', async () => {
    const cookie = await signInCookie(server.url);
    const headers = { cookie, 'content-type': 'application/json' };
    const stream = await openStream(server.url, cookie);
    for (let i = 0; i < 4; i++) expect((await fetch(`${server.url}/api/clients`, { headers })).status).toBe(200);

    // Mutations (transactions) in flight when PostgreSQL dies, then a restart: their connections,
    // the idle ones and the LISTEN connection all break.
    db.freeze();
    const inFlight = Array.from({ length: 4 }, () =>
      fetch(`${server.url}/api/clients`, { method: 'POST', headers, body: JSON.stringify(newClientBody('restart')) }).then(
        (r) => r.status,
        () => 0,
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    db.kill();
    expect((await Promise.all(inFlight)).every((s) => s === 503)).toBe(true);
    db.start();
    // The app works again before the signal (the LISTEN connection reconnects on its own).
    const deadline = Date.now() + 15_000;
    while (
      (await fetch(`${server.url}/api/clients`, { headers }).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    ) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }

    const start = performance.now();
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    // A second SIGTERM, as a signal to `npm start`'s process group delivers (directly, and forwarded by the CLI).
    setTimeout(() => server.child.kill('SIGTERM'), 50);
    const code = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), (GRACE_SECONDS + 10) * 1000))]);
    const seconds = (performance.now() - start) / 1000;
    stream.close();
    expect(code, server.output()).not.toBe('running');
    expect(seconds, server.output()).toBeLessThan(GRACE_SECONDS + 1);
    // A clean shutdown, not a kill by the second signal.
    expect(code, server.output()).toBe(0);
    expect(server.output()).toMatch(/shutdown \(SIGTERM\): \d+ requests accepted/);
  });
});
