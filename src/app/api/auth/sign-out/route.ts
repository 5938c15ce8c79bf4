import { json } from '@/fuse/http/handler';
import { clearSessionCookie } from '@/fuse/session/server';

export async function POST() {
  await clearSessionCookie();
  return json({ ok: true });
}
