import { activeClients, session } from '../../../lib';

export async function GET() {
  const s = await session();
  if (!s) return Response.json({ error: 'Sign in.' }, { status: 401 });
  return Response.json({ items: await activeClients(s.bid), nextCursor: null }, { headers: { 'Cache-Control': 'private, no-store' } });
}
