import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';

/**
 * What the security review found sound and must stay so: hostile text reaches PostgreSQL only as a
 * parameter (search, names), and comes back in the first HTML escaped, never as markup.
 */
const baseUrl = inject('baseUrl');

async function signUp() {
  const res = await fetch(`${baseUrl}/api/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `input-${randomUUID()}@example.com`, password: 'correct-horse-42', name: 'Ines Input', businessName: 'Input Co' }),
  });
  expect(res.status).toBe(201);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.includes('FUSE_SESSION='))!
    .split(';')[0]!;
  return cookie;
}

function api(cookie: string, path: string, init: RequestInit = {}) {
  return fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { cookie, 'content-type': 'application/json', ...(init.headers ?? {}) },
    redirect: 'manual',
  });
}

const HOSTILE_NAME = `<script>alert("x")</script>'; drop table clients; --`;

describe('hostile text stays data', () => {
  it('a client named with markup and SQL is stored as typed and rendered escaped in the first HTML', async () => {
    const cookie = await signUp();
    const created = await api(cookie, '/api/clients', {
      method: 'POST',
      body: JSON.stringify({ firstName: HOSTILE_NAME, lastName: `" onmouseover="alert(1)`, email: `hostile-${randomUUID()}@example.com` }),
    });
    expect(created.status).toBe(201);
    const list = (await (await api(cookie, '/api/clients?status=active')).json()) as { items: { firstName: string; lastName: string }[] };
    expect(list.items.some((c) => c.firstName === HOSTILE_NAME)).toBe(true);

    const page = await api(cookie, '/dashboard/clients');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('<script>alert("x")</script>');
    expect(html).not.toMatch(/<[^>]+\sonmouseover="alert\(1\)/);
    // The table survived the name: the list still answers.
    expect((await api(cookie, '/api/clients?status=active')).status).toBe(200);
  });

  it("search terms of any shape are parameters: 200 with this business's rows only, or 400 — never a 500", async () => {
    const cookie = await signUp();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(`' or '1'='1`, `%' or 1=1 --`, `'; drop table clients; --`, `\\`, `%_%`, `') union select * from users --`, '\u0000'),
          fc.string({ maxLength: 120 }),
        ),
        async (q) => {
          const res = await api(cookie, `/api/clients?q=${encodeURIComponent(q)}`);
          expect([200, 400]).toContain(res.status);
          if (res.status === 200) {
            // A new business holds no clients: any row would have come from another tenant.
            const body = (await res.json()) as { items: unknown[] };
            expect(body.items).toEqual([]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
