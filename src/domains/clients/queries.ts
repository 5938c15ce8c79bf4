import 'server-only';
import { and, desc, eq, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { decodeCursor, encodeCursor } from '@/fuse/db/cursor';
import { timed } from '@/fuse/db/timed';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { cursorKey } from '@/fuse/session/secrets';
import type { Session } from '@/fuse/session/token';
import { clients, type Client } from './schema';
import { CLIENT_STATUSES, type ClientStatus } from './statuses';
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

type ListShape = { status: boolean; after: boolean; q: boolean };

function buildListStatement(db: Database, shape: ListShape) {
  const where: (SQL | undefined)[] = [eq(clients.businessId, sql.placeholder('businessId'))];
  if (shape.status) where.push(eq(clients.status, sql.placeholder('status')));
  if (shape.after) where.push(lt(clients.id, sql.placeholder('afterId')));
  if (shape.q) {
    const pattern = sql.placeholder('pattern');
    where.push(
      or(
        ilike(clients.email, pattern),
        ilike(clients.firstName, pattern),
        ilike(clients.lastName, pattern),
        ilike(sql`${clients.firstName} || ' ' || ${clients.lastName}`, pattern),
      ),
    );
  }
  // Unnamed: built once here, parsed by PostgreSQL per call, so it also runs through a transaction-mode pooler.
  return db
    .select()
    .from(clients)
    .where(and(...where))
    .orderBy(desc(clients.id))
    .limit(sql.placeholder('limit'))
    .prepare('');
}

/**
 * The list query of each filter shape, built once per database handle: building a query (drizzle's
 * SQL assembly) cost more CPU than running it on the hot path of the client list. Values are
 * always bound parameters.
 */
const listStatements = new WeakMap<Database, Map<string, ReturnType<typeof buildListStatement>>>();

function listStatement(db: Database, shape: ListShape) {
  let byShape = listStatements.get(db);
  if (!byShape) listStatements.set(db, (byShape = new Map()));
  const key = `${+shape.status}${+shape.after}${+shape.q}`;
  let statement = byShape.get(key);
  if (!statement) byShape.set(key, (statement = buildListStatement(db, shape)));
  return statement;
}

/** One page of a business's clients, newest first, by keyset: page 200 costs what page 1 does. */
export async function listClients(db: Database, scope: Scope, raw: ClientListParams = {}): Promise<ClientPage> {
  assertCan(scope, 'clients.read');
  const parsed = clientListParams.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { status, q, cursor, limit } = parsed.data;
  const cursorContext = { businessId: scope.businessId, filter: `${status ?? ''}\u0000${q ?? ''}` };
  const afterId = cursor ? decodeCursor(cursor, cursorContext, cursorKey()) : null;

  const statement = listStatement(db, { status: !!status, after: afterId !== null, q: !!q });
  const rows = await timed('clients.listPage', () =>
    statement.execute({ businessId: scope.businessId, status, afterId, pattern: q ? `%${escapeLike(q)}%` : undefined, limit: limit + 1 }),
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
