import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/fuse/observability/logger';
import { loggerFor, requestIdFrom } from '../../src/fuse/observability/request';
import { fingerprintOf, safeError, scrubText } from '../../src/fuse/observability/scrub';
import { prepareError } from '../../src/fuse/observability/errors';
import { sentryEvent } from '../../src/fuse/observability/sentry';
import { allowIngest } from '../../src/fuse/observability/ingest-limit';
import { metrics, recordQuery, routeLabel, slowestQueries } from '../../src/fuse/observability/metrics';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, raw, destination };
}

describe('structured logs', () => {
  it('redacts passwords, cookies, tokens and authorization headers wherever they appear', () => {
    const { lines, raw, destination } = capture();
    const log = createLogger({ level: 'info', destination });
    log.info(
      {
        password: 'hunter2-top',
        token: 'tok-abc-123',
        user: { password: 'nested-secret-9', passwordHash: '$argon2id$hash' },
        headers: { cookie: 'FUSE_SESSION=eyJcookie', authorization: 'Bearer bearer-xyz' },
        req: { headers: { cookie: 'FUSE_SESSION=eyJreq', authorization: 'Bearer req-xyz' } },
        body: { newPassword: 'new-secret-77' },
      },
      'signed in',
    );
    const text = raw.join('');
    for (const secret of [
      'hunter2-top',
      'tok-abc-123',
      'nested-secret-9',
      '$argon2id$hash',
      'eyJcookie',
      'bearer-xyz',
      'eyJreq',
      'req-xyz',
      'new-secret-77',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]!.password).toBe('[redacted]');
    expect((lines[0]!.headers as Record<string, string>).cookie).toBe('[redacted]');
  });

  it('writes JSON lines with a level name, time and message', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', destination }).warn({ query: 'x' }, 'slow query');
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'slow query', query: 'x' });
    expect(typeof lines[0]!.time).toBe('number');
  });

  it('binds requestId, userId and businessId into every line of a request', () => {
    const { lines, destination } = capture();
    const base = createLogger({ level: 'info', destination });
    const headers = new Headers({ 'x-request-id': 'req-42' });
    const log = loggerFor({ requestId: requestIdFrom(headers), userId: 'u1', businessId: 'b1' }, base);
    log.info('one');
    log.error({ err: new Error('boom') }, 'two');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatchObject({ requestId: 'req-42', userId: 'u1', businessId: 'b1' });
    expect(requestIdFrom(new Headers({ 'x-request-id': 'x'.repeat(500) }))).toBeNull();
  });
});

describe('error scrubbing and fingerprints', () => {
  it('removes secrets from error text', () => {
    const text = scrubText(
      'login failed password=hunter2 cookie: FUSE_SESSION=abc; Authorization: Bearer abc.def token "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig_123"',
    );
    expect(text).not.toMatch(/hunter2|FUSE_SESSION=abc|Bearer abc|eyJhbGci/);
    expect(scrubText('{"password":"s3cret!"}')).not.toContain('s3cret');
  });

  it('groups occurrences that differ only in ids, numbers and line numbers', () => {
    const a = fingerprintOf({
      source: 'server',
      name: 'Error',
      message: 'client 12 not found in 3f2a1b9c-1111-2222-3333-444455556666',
      stack: 'Error\n    at load (page.js:10:5)',
    });
    const b = fingerprintOf({
      source: 'server',
      name: 'Error',
      message: 'client 99 not found in 0f2a1b9c-1111-2222-3333-444455556667',
      stack: 'Error\n    at load (page.js:812:17)',
    });
    const c = fingerprintOf({ source: 'server', name: 'TypeError', message: 'client 12 not found', stack: 'Error\n    at load (page.js:10:5)' });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(fingerprintOf({ source: 'browser', name: 'Error', message: 'x' })).not.toBe(
      fingerprintOf({ source: 'server', name: 'Error', message: 'x' }),
    );
  });

  it('builds a Sentry event with the fingerprint and no request headers', () => {
    const event = sentryEvent({
      fingerprint: 'fp1',
      source: 'server',
      name: 'Error',
      message: 'boom',
      path: '/dashboard',
      method: 'GET',
      requestId: 'r1',
    });
    expect(event.fingerprint).toEqual(['fp1']);
    expect(event.request).toEqual({ url: '/dashboard', method: 'GET' });
    expect(JSON.stringify(event)).not.toMatch(/cookie|headers/i);
  });
});

describe('metrics', () => {
  it('records query time and counts slow queries per name', async () => {
    recordQuery('unit.fast', 2, true, 100);
    recordQuery('unit.slow', 250, true, 100);
    recordQuery('unit.slow', 150, false, 100);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/fuse_slow_queries_total\{query="unit.slow"\} 2/);
    expect(text).not.toMatch(/fuse_slow_queries_total\{query="unit.fast"\}/);
    expect(text).toMatch(/fuse_db_query_duration_seconds_count\{query="unit.fast",ok="true"\} 1/);
    const slow = slowestQueries(50).find((q) => q.name === 'unit.slow')!;
    expect(slow).toMatchObject({ calls: 2, slow: 2, failed: 1, maxMs: 250 });
    expect(text).toContain('fuse_process_cpu_user_seconds_total');
  });

  it('labels requests with the route that serves them, and anything else as other', () => {
    expect(routeLabel('/api/clients/123')).toBe('/api/clients/[id]');
    expect(routeLabel('/api/clients/not-a-uuid-at-all')).toBe('/api/clients/[id]');
    expect(routeLabel('/dashboard/x/3f2a1b9c-1111-2222-3333-444455556666?q=1')).toBe('other');
  });

  it('limits browser beacons per client and counts rejections', async () => {
    const before = (await metrics.rateLimitedTotal.get()).values.find((v) => v.labels.scope === 'unit')?.value ?? 0;
    const results: boolean[] = [];
    for (let i = 0; i < 5; i++) results.push(await allowIngest('unit', '10.0.0.1', 3, 300));
    expect(results).toEqual([true, true, true, false, false]);
    expect(await allowIngest('unit', '10.0.0.2', 3, 300)).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    expect(await allowIngest('unit', '10.0.0.1', 3, 300)).toBe(true);
    const after = (await metrics.rateLimitedTotal.get()).values.find((v) => v.labels.scope === 'unit')?.value ?? 0;
    expect(after - before).toBe(2);
  });
});

describe('page request labels', () => {
  it('groups static assets and unknown paths so random paths cannot grow the series without bound', async () => {
    const { pageRouteLabel } = await import('@/fuse/observability/page-timing');
    expect(pageRouteLabel('/_next/static/chunks/abc123.js')).toBe('/_next/static');
    expect(pageRouteLabel('/no/such/page/123')).toBe('other');
    expect(pageRouteLabel('/dashboard/clients')).toBe('/dashboard/clients');
    expect(pageRouteLabel('/dashboard/clients/')).toBe('/dashboard/clients');
    expect(pageRouteLabel('/dashboard/clients/42')).toBe('other');
  });
});

describe('database errors in logs and captures', () => {
  // A parameter may span lines (a note, a name): the whole list must go, not just its first line.
  const params = ['ann@example.com', '$argon2id$v=19$m=19456,t=2,p=1$salt$hash-secret', 'line one\nline two secret-note'];
  const cause = Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), {
    code: '23505',
    detail: 'Key (lower(email))=(ann@example.com) already exists.',
  });
  const failed = () => new DrizzleQueryError('insert into "users" ("email", "password_hash", "name") values ($1, $2, $3)', params, cause);
  const leaks = (text: string) => ['ann@example.com', 'hash-secret', 'secret-note', 'line two'].filter((s) => text.includes(s));

  it('a logged query error keeps the statement and the SQLSTATE, never the parameters or the driver detail', () => {
    const { raw, lines, destination } = capture();
    createLogger({ level: 'info', destination }).error({ err: failed() }, 'unhandled error in route handler');
    expect(leaks(raw.join(''))).toEqual([]);
    const err = lines[0]!.err as { message: string; stack: string; cause: { code: string } };
    expect(err.message).toBe('Failed query: insert into "users" ("email", "password_hash", "name") values ($1, $2, $3)');
    expect(err.stack).toContain('Failed query: insert into "users"');
    expect(err.cause.code).toBe('23505');
  });

  it('a captured query error (errors table, Sentry) has no parameters, by structure and by text', () => {
    const safe = safeError(failed());
    expect(leaks(JSON.stringify(safe))).toEqual([]);
    // Text that reached capture some other way (a browser report, a wrapped message) is scrubbed too.
    const e = failed();
    const prepared = prepareError({ source: 'server', name: e.name, message: e.message, stack: e.stack });
    expect(leaks(JSON.stringify(prepared))).toEqual([]);
    expect(prepared.message).toContain('params: [redacted]');
    expect(scrubText('before\u0000after')).toBe('beforeafter');
    // PostgreSQL text cannot hold NUL: a report carrying one is still stored, without it.
    expect(prepareError({ source: 'browser', name: 'E\u0000', message: 'm\u0000', path: '/a\u0000b' })).toMatchObject({
      name: 'E',
      message: 'm',
      path: '/ab',
    });
  });
});
