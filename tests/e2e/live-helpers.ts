import { randomUUID } from 'node:crypto';
import { readSse, type SseEvent, type SseReader } from '../setup/sse';

export const DEMO_CAPTAIN = { email: 'captain@demo.fuse.dev', password: 'fuse-demo-2026' };

function cookieOf(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.split('=')[0]!.endsWith('FUSE_SESSION'));
  if (!header) throw new Error(`no session cookie (status ${res.status})`);
  return header.split(';')[0]!;
}

export async function signIn(baseUrl: string, who = DEMO_CAPTAIN): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return cookieOf(res);
}

/** POST /api/auth/sign-up for a new captain of a new business: the 201 answer (its cookies). */
export async function signUpResponse(baseUrl: string, label: string): Promise<Response> {
  const res = await fetch(`${baseUrl}/api/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${label}-${randomUUID()}@example.com`,
      password: 'correct-horse-42',
      name: `${label} captain`,
      businessName: `${label} business`,
    }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  return res;
}

export async function signUp(baseUrl: string, label: string): Promise<string> {
  return cookieOf(await signUpResponse(baseUrl, label));
}

export type OpenStream = SseReader & { response: Response };

/** Opens GET /api/live and resolves once the stream said `ready` (or `resync`). */
export async function openStream(baseUrl: string, cookie: string, options: { after?: number; lastEventId?: number } = {}): Promise<OpenStream> {
  const url = new URL('/api/live', baseUrl);
  if (options.after !== undefined) url.searchParams.set('after', String(options.after));
  const headers: Record<string, string> = { cookie, accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
  const response = await fetch(url, { headers });
  if (response.status !== 200 || !response.body) throw new Error(`live stream refused: ${response.status}`);
  const reader = readSse(response.body);
  await reader.next((e) => e.event === 'ready' || e.event === 'resync', 10_000);
  return Object.assign(reader, { response });
}

export const isChange = (e: SseEvent) => e.event === 'message';
export const changeOf = (e: SseEvent) =>
  JSON.parse(e.data) as {
    id: number;
    domain: string;
    kind: string;
    entityId: string;
    data: { id: number; email: string };
    mutationId: string | null;
  };

export function createClientOverApi(baseUrl: string, cookie: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}/api/clients`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export const newClientBody = (label = 'live') => ({ email: `${label}-${randomUUID()}@example.com`, firstName: 'Lia', lastName: 'Vance' });
