import 'server-only';
import { and, desc, eq, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { decodeCursor, encodeCursor } from '@/fuse/db/cursor';
import { timed } from '@/fuse/db/timed';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { cursorKey } from '@/fuse/session/secrets';
import type { Session } from '@/fuse/session/token';
import { CLIENT_STATUSES, clients, type Client, type ClientStatus } from './schema';
import { clientListParams, type ClientListParams } from './validators';

/** The slice of a session a query needs. It always comes from the verified server session. */
export type Scope = Pick<Session, 'businessId' | 'rank' | 'userId'>;

export type ClientView = {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  status: ClientStatus;
  phone: string | null;
  company: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
};

export type ClientPage = { items: ClientView[]; nextCursor: string | null };

export function toClientView(row: Client): ClientView {
  return {
    id: row.id,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    status: row.status,
    phone: row.phone,
    company: row.company,
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The seed's indexed query: a business's active clients, through the (business, status) index. */
export async function listActiveClients(db: Database, scope: Scope, limit = 50): Promise<ClientView[]> {
  assertCan(scope, 'clients.read');
  const rows = await timed('clients.listActive', () =>
    db
      .select()
      .from(clients)
      .where(and(eq(clients.businessId, scope.businessId), eq(clients.status, 'active')))
      .orderBy(desc(clients.id))
      .limit(limit),
  );
  return rows.map(toClientView);
}

/** One page of a business's clients, newest first, by keyset: page 200 costs what page 1 does. */
export async function listClients(db: Database, scope: Scope, raw: ClientListParams = {}): Promise<ClientPage> {
  assertCan(scope, 'clients.read');
  const parsed = clientListParams.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { status, q, cursor, limit } = parsed.data;
  const cursorContext = { businessId: scope.businessId, filter: `${status ?? ''}\u0000${q ?? ''}` };
  const afterId = cursor ? decodeCursor(cursor, cursorContext, cursorKey()) : null;

  const where: (SQL | undefined)[] = [eq(clients.businessId, scope.businessId)];
  if (status) where.push(eq(clients.status, status));
  if (afterId !== null) where.push(lt(clients.id, afterId));
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    where.push(
      or(
        ilike(clients.email, pattern),
        ilike(clients.firstName, pattern),
        ilike(clients.lastName, pattern),
        ilike(sql`${clients.firstName} || ' ' || ${clients.lastName}`, pattern),
      ),
    );
  }
  const rows = await timed('clients.listPage', () =>
    db
      .select()
      .from(clients)
      .where(and(...where))
      .orderBy(desc(clients.id))
      .limit(limit + 1),
  );
  const items = rows.slice(0, limit).map(toClientView);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(last.id, cursorContext, cursorKey()) : null;
  return { items, nextCursor };
}

/** A client of this business; another business's client is "not found", exactly like a missing one. */
export async function getClient(db: Database, scope: Scope, id: number): Promise<ClientView> {
  assertCan(scope, 'clients.read');
  const [row] = await timed('clients.get', () =>
    db
      .select()
      .from(clients)
      .where(and(eq(clients.businessId, scope.businessId), eq(clients.id, id)))
      .limit(1),
  );
  if (!row) throw new NotFoundError('Client not found.');
  return toClientView(row);
}

export type ClientSummary = Record<ClientStatus, number> & { total: number };

export async function clientSummary(db: Database, scope: Scope): Promise<ClientSummary> {
  assertCan(scope, 'clients.read');
  const rows = await timed('clients.summary', () =>
    db
      .select({ status: clients.status, count: sql<number>`count(*)::int` })
      .from(clients)
      .where(eq(clients.businessId, scope.businessId))
      .groupBy(clients.status),
  );
  const summary = { total: 0 } as ClientSummary;
  for (const s of CLIENT_STATUSES) summary[s] = 0;
  for (const r of rows) {
    summary[r.status] = Number(r.count);
    summary.total += Number(r.count);
  }
  return summary;
}

/**
 * Clients added per calendar month of the business's time zone: the current month and the five
 * before it (empty months are 0). One range scan of clients_by_business.
 */
export async function newClientsByMonth(db: Database, scope: Scope, months = 6): Promise<{ month: string; count: number }[]> {
  assertCan(scope, 'clients.read');
  const result = await timed('clients.byMonth', () =>
    db.execute<{ month: string; count: number }>(sql`
      with tz as (select timezone from businesses where id = ${scope.businessId}),
      bounds as (
        select date_trunc('month', now() at time zone tz.timezone) as this_month, tz.timezone from tz
      )
      select to_char(m, 'YYYY-MM') as month,
        (select count(*)::int from ${clients} c
          where c.business_id = ${scope.businessId}
            and c.created_at >= (m at time zone bounds.timezone)
            and c.created_at < ((m + interval '1 month') at time zone bounds.timezone)) as count
      from bounds, generate_series(bounds.this_month - make_interval(months => ${months - 1}), bounds.this_month, interval '1 month') as m
      order by m`),
  );
  return result.rows.map((r) => ({ month: String(r.month), count: Number(r.count) }));
}
