import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call, cookieOf, uniqueEmail } from './ranks-helpers';

const baseUrl = inject('baseUrl');
let cookie = '';
let clientId = 0;

describe('finance over HTTP', () => {
  beforeAll(async () => {
    const res = await call(baseUrl, null, 'POST', '/api/auth/sign-up', {
      email: uniqueEmail('fin'),
      password: 'finance-pass-2026',
      name: 'Fin',
      businessName: 'Fin Co',
    });
    cookie = cookieOf(res);
    const client = await call(baseUrl, cookie, 'POST', '/api/clients', { email: uniqueEmail('payer'), firstName: 'Pia', lastName: 'Payer' });
    clientId = ((await client.json()) as { id: number }).id;
  });

  it('creates, sends and marks paid; the page and the summary show it in the first HTML', async () => {
    const created = await call(baseUrl, cookie, 'POST', '/api/invoices', { clientId, amount: '1234.56', currency: 'EUR' });
    expect(created.status).toBe(201);
    const invoice = (await created.json()) as { id: number; amountCents: number; number: string };
    expect(invoice.amountCents).toBe(123_456);
    expect((await call(baseUrl, cookie, 'PATCH', `/api/invoices/${invoice.id}`, { action: 'send' })).status).toBe(200);
    const paid = await call(baseUrl, cookie, 'PATCH', `/api/invoices/${invoice.id}`, { action: 'markPaid' });
    expect(((await paid.json()) as { status: string }).status).toBe('paid');
    expect((await call(baseUrl, cookie, 'PATCH', `/api/invoices/${invoice.id}`, { action: 'markPaid' })).status).toBe(409);

    const slice = (await (await call(baseUrl, cookie, 'GET', '/api/invoices?summary=1')).json()) as {
      summary: { currency: string; revenueThisMonthCents: number; topClients: { name: string; cents: number }[] };
    };
    expect(slice.summary).toMatchObject({ currency: 'EUR', revenueThisMonthCents: 123_456, topClients: [{ name: 'Pia Payer', cents: 123_456 }] });

    const html = await (await call(baseUrl, cookie, 'GET', '/dashboard/finance')).text();
    expect(html).toContain(invoice.number);
    expect(html).toContain('€1,234.56');
    expect(html).toContain('Pia Payer');
  });

  it('answers bad input with 400 and unknown or foreign invoices with 404', async () => {
    expect((await call(baseUrl, cookie, 'POST', '/api/invoices', { clientId, amount: 12.34 })).status).toBe(400);
    expect((await call(baseUrl, cookie, 'POST', '/api/invoices', { clientId, amountCents: 1.5 })).status).toBe(400);
    expect((await call(baseUrl, cookie, 'GET', '/api/invoices?cursor=nope')).status).toBe(400);
    expect((await call(baseUrl, cookie, 'GET', '/api/invoices?status=lost')).status).toBe(400);
    expect((await call(baseUrl, cookie, 'GET', '/api/invoices/999999999')).status).toBe(404);
    expect((await call(baseUrl, cookie, 'GET', '/api/invoices/abc')).status).toBe(404);
    const other = cookieOf(
      await call(baseUrl, null, 'POST', '/api/auth/sign-up', {
        email: uniqueEmail('fin2'),
        password: 'finance-pass-2026',
        name: 'F2',
        businessName: 'F2',
      }),
    );
    const mine = (await (await call(baseUrl, cookie, 'GET', '/api/invoices')).json()) as { items: { id: number }[] };
    expect((await call(baseUrl, other, 'GET', `/api/invoices/${mine.items[0]!.id}`)).status).toBe(404);
    expect((await call(baseUrl, other, 'PATCH', `/api/invoices/${mine.items[0]!.id}`, { action: 'send' })).status).toBe(404);
  });

  it('creates an invoice once per Idempotency-Key: a retry gets the first answer, another body a 422', async () => {
    const key = `inv-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const send = (body: unknown) =>
      fetch(`${baseUrl}/api/invoices`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
    const before = ((await (await call(baseUrl, cookie, 'GET', `/api/invoices?clientId=${clientId}&limit=200`)).json()) as { items: unknown[] }).items
      .length;
    const first = await send({ clientId, amountCents: 4_200 });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: number; number: string };
    const retry = await send({ amountCents: 4_200, clientId });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(created);
    expect((await send({ clientId, amountCents: 9_999 })).status).toBe(422);
    const after = ((await (await call(baseUrl, cookie, 'GET', `/api/invoices?clientId=${clientId}&limit=200`)).json()) as { items: unknown[] }).items
      .length;
    expect(after).toBe(before + 1);
  });
});
