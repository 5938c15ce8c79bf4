import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metrics, routeLabel } from '@/fuse/observability/metrics';
import { appRouteTable, createRouteTable, OTHER_ROUTE, routesFromAppDir, routesFromManifest } from '@/fuse/observability/route-table';

const APP_DIR = path.resolve(__dirname, '../../src/app');

/** Everything a hostile path can be made of: route words, ids, dots, encodings, slashes, odd characters. */
const segment = fc.oneof(
  fc.constantFrom('api', 'clients', 'dashboard', 'team', 'invites', 'accept', 'sign-in', '..', '.', '', '%2e', '%2F', '[id]', 'other'),
  fc.string({ maxLength: 12 }),
  fc.uuid(),
  fc.nat().map(String),
);
const hostilePath = fc
  .tuple(fc.array(segment, { minLength: 0, maxLength: 6 }), fc.boolean(), fc.constantFrom('', '?x=1', '#frag', '?page=/x'))
  .map(([segs, slash, tail]) => `/${segs.join('/')}${slash ? '/' : ''}${tail}`);

describe('route table', () => {
  it('is derived from src/app: pages and route handlers, without route groups or Next internals', () => {
    const routes = routesFromAppDir(APP_DIR);
    const patterns = routes.map((r) => `${r.kind} ${r.pattern}`);
    expect(patterns).toEqual(
      expect.arrayContaining(['page /', 'page /sign-in', 'page /dashboard/clients', 'route /api/clients/[id]', 'route /api/live']),
    );
    expect(patterns.some((p) => p.includes('(') || p.includes('/_'))).toBe(false);
    // The process table (tests run without a build, so from src/app) is that same list.
    expect(appRouteTable().routes).toEqual(routes);
  });

  it('reads the build manifest the same way', () => {
    const routes = routesFromManifest({
      '/(auth)/join/page': '/join',
      '/_not-found/page': '/_not-found',
      '/_global-error/page': '/_global-error',
      '/api/clients/[id]/route': '/api/clients/[id]',
      '/page': '/',
    });
    expect([...routes].sort((a, b) => a.pattern.localeCompare(b.pattern))).toEqual([
      { pattern: '/', kind: 'page' },
      { pattern: '/api/clients/[id]', kind: 'route' },
      { pattern: '/join', kind: 'page' },
    ]);
  });

  it('matches like Next: static before dynamic before catch-all, trailing slash and query ignored', () => {
    const table = createRouteTable([
      { pattern: '/docs/[[...slug]]', kind: 'page' },
      { pattern: '/api/team/invites/[id]', kind: 'route' },
      { pattern: '/api/team/invites/accept', kind: 'route' },
      { pattern: '/files/[...path]', kind: 'route' },
      { pattern: '/', kind: 'page' },
    ]);
    expect(table.match('/api/team/invites/accept')).toBe('/api/team/invites/accept');
    expect(table.match('/api/team/invites/abc')).toBe('/api/team/invites/[id]');
    expect(table.match('/api/team/invites/abc/')).toBe('/api/team/invites/[id]');
    expect(table.match('/api/team/invites/abc/more')).toBeNull();
    expect(table.match('/api/team/invites//')).toBeNull();
    expect(table.match('/files')).toBeNull();
    expect(table.match('/files/a/b/c')).toBe('/files/[...path]');
    expect(table.match('/docs')).toBe('/docs/[[...slug]]');
    expect(table.match('/docs/a/b')).toBe('/docs/[[...slug]]');
    expect(table.match('/?x=1')).toBe('/');
    expect(table.match('/api/team/invites/abc', 'page')).toBeNull();
    expect(table.match('no-leading-slash')).toBeNull();
  });

  it('gives any path a label from the table or `other`, never a piece of the path', () => {
    const known = new Set([...appRouteTable().routes.map((r) => r.pattern), OTHER_ROUTE]);
    fc.assert(
      fc.property(hostilePath, (p) => {
        expect(known.has(routeLabel(p))).toBe(true);
        const page = routeLabel(p, 'page');
        expect(page === OTHER_ROUTE || appRouteTable().routes.some((r) => r.kind === 'page' && r.pattern === page)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('a flood of distinct paths adds no histogram series beyond one per route', async () => {
    const series = async () => (await metrics.httpRequestDuration.get()).values.filter((v) => v.metricName?.endsWith('_count')).length;
    const { recordRequest } = await import('@/fuse/observability/metrics');
    recordRequest(routeLabel('/warm-up'), 'GET', 404, 0.001);
    recordRequest(routeLabel('/api/clients/warm-up'), 'GET', 404, 0.001);
    const before = await series();
    for (let i = 0; i < 200; i++) {
      recordRequest(routeLabel(`/${crypto.randomUUID().slice(0, 8)}/`), 'GET', 404, 0.001);
      recordRequest(routeLabel(`/api/clients/${crypto.randomUUID().slice(0, 8)}`), 'GET', 404, 0.001);
    }
    expect(await series()).toBe(before);
  });
});
