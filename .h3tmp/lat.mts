import { readSse } from '../tests/setup/sse';
const base = 'http://127.0.0.1:3931';
const cookie = (await import('node:fs')).readFileSync('/tmp/h3/cookie', 'utf8').trim();
const res = await fetch(`${base}/api/live`, { headers: { cookie } });
const s = readSse(res.body!);
await s.next((e) => e.event === 'ready');
for (let i = 0; i < 8; i++) {
  const t0 = performance.now();
  const r = await fetch(`${base}/api/clients`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ email: `lat-${Date.now()}-${i}@example.com`, firstName: 'L', lastName: 'T' }) });
  const t1 = performance.now();
  const e = await s.next((e) => e.event === 'message');
  console.log(r.status, 'post', (t1 - t0).toFixed(1), 'event after response', (e.receivedAt - t1).toFixed(1));
}
s.close();
