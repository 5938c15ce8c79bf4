import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request FUSE sent to the Stripe API, its form-encoded body as flat `a[b][c]` keys. */
export type StripeRequest = { method: string; path: string; form: Record<string, string>; headers: Record<string, string | undefined> };

/** Answers to one path held back until `release()`: a slow Stripe. */
export type Hold = { arrived: (count: number) => Promise<void>; release: () => void };

/**
 * A small Stripe-compatible API for tests (no internet here): answers what FUSE calls
 * (`/v1/customers`, `/v1/checkout/sessions`, `/v1/billing_portal/sessions`) with Stripe-shaped
 * objects and records every request. Point STRIPE_API_BASE at `url`. `customers`: the customers it
 * created (a replayed Idempotency-Key creates none); `hold(path)`: answers to a path wait for `release()`.
 */
export async function startStripeServer(): Promise<{
  url: string;
  requests: StripeRequest[];
  customers: { id: string; businessId: string | undefined }[];
  hold: (path: string) => Hold;
  stop: () => Promise<void>;
}> {
  const requests: StripeRequest[] = [];
  const customers: { id: string; businessId: string | undefined }[] = [];
  const holds = new Map<string, { waiting: number; gate: Promise<void>; wake: () => void }>();
  let n = 0;
  // Stripe answers a repeated Idempotency-Key with the first answer.
  const byKey = new Map<string, unknown>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      const path = (req.url ?? '').split('?')[0]!;
      const form = Object.fromEntries(new URLSearchParams(body));
      const headers = { authorization: req.headers.authorization, 'idempotency-key': req.headers['idempotency-key'] as string | undefined };
      requests.push({ method: req.method ?? '', path, form, headers });
      const held = holds.get(path);
      if (held) {
        held.waiting++;
        await held.gate;
      }
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++n}` });
        res.end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== 'Bearer sk_test_fuse')
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      const key = headers['idempotency-key'];
      if (key && byKey.has(`${path}:${key}`)) return send(200, byKey.get(`${path}:${key}`));
      let answer: unknown;
      if (req.method === 'POST' && path === '/v1/customers') {
        answer = { id: `cus_test_${++n}`, object: 'customer', metadata: {} };
        customers.push({ id: `cus_test_${n}`, businessId: form['metadata[businessId]'] });
      } else if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const id = `cs_test_${++n}`;
        answer = { id, object: 'checkout.session', mode: form.mode, url: `https://checkout.stripe.test/c/pay/${id}` };
      } else if (req.method === 'POST' && path === '/v1/billing_portal/sessions') {
        const id = `bps_test_${++n}`;
        answer = { id, object: 'billing_portal.session', customer: form.customer, url: `https://billing.stripe.test/p/session/${id}` };
      } else return send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } });
      if (key) byKey.set(`${path}:${key}`, answer);
      send(200, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  function hold(path: string): Hold {
    let wake = () => undefined as void;
    const gate = new Promise<void>((resolve) => (wake = resolve));
    const entry = { waiting: 0, gate, wake };
    holds.set(path, entry);
    return {
      arrived: async (count) => {
        const deadline = Date.now() + 15_000;
        while (entry.waiting < count) {
          if (Date.now() > deadline) throw new Error(`${count} requests to ${path} did not arrive (${entry.waiting} did)`);
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      release: () => {
        holds.delete(path);
        entry.wake();
      },
    };
  }
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    customers,
    hold,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
