import { randomUUID } from 'node:crypto';

export const DEMO_PASSWORD = 'fuse-demo-2026';
export const DEMO_USERS = {
  captain: 'captain@demo.fuse.dev',
  crew: 'crew@demo.fuse.dev',
  admiral: 'admiral@demo.fuse.dev',
  commodore: 'commodore@demo.fuse.dev',
} as const;

export function cookieOf(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.split('=')[0]!.endsWith('FUSE_SESSION'));
  if (!header) throw new Error(`no session cookie (status ${res.status})`);
  return header.split(';')[0]!;
}

/** Signs in over the API, waiting out the sign-in rate limit if other tests used it up. */
export async function signInAs(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${baseUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status === 429 && attempt < 6) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 2)));
      continue;
    }
    if (res.status !== 200) throw new Error(`sign-in ${email} failed: ${res.status} ${await res.text()}`);
    return cookieOf(res);
  }
}

export function call(baseUrl: string, cookie: string | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID()}@example.com`;
}

/** A new row of a domain made by `fuse new-domain` (`POST <url>` with a name), for a scenario to change. */
export async function newNamedRow(baseUrl: string, cookie: string, url: string): Promise<number> {
  const res = await call(baseUrl, cookie, 'POST', url, { name: 'Matrix row' });
  if (res.status !== 201) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}
