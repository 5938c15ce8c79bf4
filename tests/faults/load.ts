import type pg from 'pg';

/**
 * The fault suite's load and its figure line: workers sending requests back to back while a fault
 * is injected, every outcome recorded (docs/operations/faults.md says what each figure means).
 */

/** A request without an answer after this long is counted as hung. */
export const HUNG_MS = 12_000;
export const WORKERS = 4;

export type Outcome = { startedAt: number; ms: number; status: number | 'hung' | 'error' };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ok = (status: Outcome['status']) => typeof status === 'number' && status >= 200 && status < 300;

/** Workers sending signed-in reads (database, rate limiter in Redis) back to back until stopped. */
export function startLoad(url: string, cookie: string) {
  const outcomes: Outcome[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      const startedAt = performance.now();
      let status: Outcome['status'];
      try {
        const res = await fetch(`${url}/api/clients`, { headers: { cookie }, signal: AbortSignal.timeout(HUNG_MS) });
        await res.arrayBuffer();
        status = res.status;
      } catch (err) {
        status = (err as Error).name === 'TimeoutError' ? 'hung' : 'error';
      }
      outcomes.push({ startedAt, ms: performance.now() - startedAt, status });
      await new Promise((r) => setTimeout(r, status === 'error' ? 100 : 20));
    }
  };
  const done = Promise.all(Array.from({ length: WORKERS }, worker));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

export type Figures = { sent: number; answered: number; fiveXX: number; hung: number; maxMs: number; recoveryMs: number | null };

export function figures(name: string, outcomes: Outcome[], faultEndedAt: number | null, extra = ''): Figures {
  const answered = outcomes.filter((o) => typeof o.status === 'number');
  const firstOk = faultEndedAt === null ? undefined : outcomes.find((o) => o.startedAt >= faultEndedAt && ok(o.status));
  const f: Figures = {
    sent: outcomes.length,
    answered: answered.length,
    fiveXX: answered.filter((o) => (o.status as number) >= 500).length,
    hung: outcomes.filter((o) => o.status === 'hung').length,
    maxMs: Math.round(Math.max(0, ...outcomes.map((o) => o.ms))),
    recoveryMs: firstOk && faultEndedAt !== null ? Math.round(firstOk.startedAt + firstOk.ms - faultEndedAt) : null,
  };
  console.log(
    `fault ${name.padEnd(28)} sent=${f.sent} answered=${f.answered} 5xx=${f.fiveXX} hung=${f.hung} max=${f.maxMs}ms recovery=${f.recoveryMs === null ? '-' : `${f.recoveryMs}ms`}${extra}`,
  );
  return f;
}

/**
 * Writers creating a client and then an invoice for it, back to back, each with an
 * Idempotency-Key (so each create writes three rows in one transaction). `created`: the keys of
 * the creates the client got a 201 for.
 */
export function startWrites(url: string, cookie: string, run: string) {
  const outcomes: Outcome[] = [];
  const created: string[] = [];
  let running = true;
  let n = 0;
  const post = async (path: string, key: string, body: object): Promise<unknown> => {
    const startedAt = performance.now();
    let status: Outcome['status'];
    let answer: unknown = null;
    try {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'idempotency-key': key, 'x-mutation-id': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(HUNG_MS),
      });
      answer = await res.json().catch(() => null);
      status = res.status;
      if (status === 201) created.push(key);
    } catch (err) {
      status = (err as Error).name === 'TimeoutError' ? 'hung' : 'error';
    }
    outcomes.push({ startedAt, ms: performance.now() - startedAt, status });
    return status === 201 ? answer : null;
  };
  const worker = async () => {
    while (running) {
      const i = n++;
      const client = (await post('/api/clients', `w-${run}-c${i}`, { email: `w-${run}-${i}@example.com`, firstName: 'Kai', lastName: 'Nine' })) as {
        id: number;
      } | null;
      if (client && running) await post('/api/invoices', `w-${run}-i${i}`, { clientId: client.id, number: `K${run}-${i}`, amountCents: 1234 });
      if (!client) await sleep(100);
    }
  };
  const done = Promise.all(Array.from({ length: WORKERS }, worker));
  return {
    outcomes,
    created,
    /** Resolves once `count` creates are acknowledged (or `timeoutMs` passed): the fault comes mid-load, whatever the machine's speed. */
    acknowledged: async (count: number, timeoutMs = 30_000) => {
      const deadline = performance.now() + timeoutMs;
      while (created.length < count && performance.now() < deadline) await sleep(50);
    },
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * What the writes of run `run` (startWrites) left in the database. Each create is one transaction of
 * three rows: the client or invoice, its outbox `upsert` change, its idempotency key. `halfWritten`
 * counts any of the three without the others; `present`, the acknowledged creates whose rows are there.
 */
export async function writtenRows(sql: pg.Pool | pg.Client, run: string, acknowledged: string[]) {
  const emails = `w-${run}-%@example.com`;
  const numbers = `K${run}-%`;
  const keys = `w-${run}-%`;
  const { rows } = await sql.query(
    `select
       (select count(*) from clients c where c.email like $1 and not exists
          (select 1 from outbox o where o.domain = 'clients' and o.kind = 'upsert' and o.entity_id = c.id::text)) as clients_without_change,
       (select count(*) from outbox o where o.domain = 'clients' and o.data->>'email' like $1 and not exists
          (select 1 from clients c where c.id::text = o.entity_id)) as changes_without_client,
       (select count(*) from invoices i where i.number like $2 and not exists
          (select 1 from outbox o where o.domain = 'finance' and o.kind = 'upsert' and o.entity_id = i.id::text)) as invoices_without_change,
       (select count(*) from outbox o where o.domain = 'finance' and o.data->>'number' like $2 and not exists
          (select 1 from invoices i where i.id::text = o.entity_id)) as changes_without_invoice,
       (select count(*) from idempotency_keys k where k.key like $3 and not exists
          (select 1 from outbox o where o.mutation_id = k.key)) as keys_without_change,
       (select count(*) from outbox o where o.mutation_id like $3 and not exists
          (select 1 from idempotency_keys k where k.key = o.mutation_id)) as changes_without_key,
       (select count(*) from clients c where c.email like $1) as clients,
       (select count(*) from invoices i where i.number like $2) as invoices,
       (select count(*) from idempotency_keys k where k.key = any($4)) as present`,
    [emails, numbers, keys, acknowledged],
  );
  const r = Object.fromEntries(Object.entries(rows[0] as Record<string, string>).map(([k, v]) => [k, Number(v)]));
  const { clients, invoices, present, ...orphans } = r;
  return {
    clients: clients!,
    invoices: invoices!,
    present: present!,
    halfWritten: Object.values(orphans).reduce((a, b) => a + b, 0),
    orphans,
  };
}
