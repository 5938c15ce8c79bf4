import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_CAPTAIN, signIn, signUp } from './live-helpers';

const baseUrl = inject('baseUrl');
const DEMO_CREW = { email: 'crew@demo.fuse.dev', password: DEMO_CAPTAIN.password };

type ExportDocument = {
  business: { id: string; name: string };
  members: Record<string, unknown>[];
  tables: Record<string, { business_id: string; email?: string }[]>;
};

const get = (path: string, cookie?: string) => fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });

describe('GET /api/export (per-business data export)', () => {
  let captain: string;
  let crew: string;
  let newcomer: string;

  beforeAll(async () => {
    captain = await signIn(baseUrl, DEMO_CAPTAIN);
    crew = await signIn(baseUrl, DEMO_CREW);
    newcomer = await signUp(baseUrl, 'export');
  });

  it("downloads the captain's business as a JSON attachment, without password hashes", async () => {
    const res = await get('/api/export', captain);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="fuse-export-harbor-co-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const text = await res.text();
    expect(text).not.toMatch(/password_hash|\$argon2/);
    const doc = JSON.parse(text) as ExportDocument;
    expect(doc.business.name).toBe('Harbor & Co');
    expect(doc.members.map((m) => m.email)).toContain(DEMO_CAPTAIN.email);
    expect(doc.tables.clients!.length).toBeGreaterThanOrEqual(600);
    for (const rows of Object.values(doc.tables)) for (const row of rows) expect(row.business_id).toBe(doc.business.id);

    // Another business asked for by id is a 404, like one that does not exist.
    const own = doc.business.id;
    const mine = await get(`/api/export?business=${own}`, captain);
    expect(mine.status).toBe(200);
    await mine.body?.cancel();
    const foreign = JSON.parse(await (await get('/api/export', newcomer)).text()) as ExportDocument;
    expect(foreign.business.id).not.toBe(own);
    expect((await get(`/api/export?business=${foreign.business.id}`, captain)).status).toBe(404);
    expect((await get(`/api/export?business=${own}`, newcomer)).status).toBe(404);
    // The newcomer's export holds none of the demo business's rows.
    expect(foreign.tables.clients ?? []).toHaveLength(0);
  });

  it('is refused to crew (403) and to a signed-out visitor (401)', async () => {
    expect((await get('/api/export', crew)).status).toBe(403);
    expect((await get('/api/export')).status).toBe(401);
  });

  it('is offered on the settings page to captains, not to crew', async () => {
    const forCaptain = await (await get('/dashboard/settings', captain)).text();
    expect(forCaptain).toContain('href="/api/export"');
    const forCrew = await (await get('/dashboard/settings', crew)).text();
    expect(forCrew).not.toContain('href="/api/export"');
  });
});
