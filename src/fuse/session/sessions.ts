import { isIP } from 'node:net';
import { and, eq, gt, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { users } from '@/fuse/auth/schema';
import { config } from '@/fuse/config';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { normalizeIp } from '@/fuse/security/client-ip';
import { requestClientIp } from '@/fuse/security/request-ip';
import { revocations, type Revocation, type RevocationList } from './revoked';
import { sessions } from './schema';
import { SESSION_TTL_SECONDS, type Session, type SessionGrant, type SessionInput } from './token';

/**
 * Server-side sessions: a row per signed-in device (src/fuse/session/schema.ts) and the broadcast
 * that tells every instance about a revocation, so each can refuse a revoked cookie from memory
 * (src/fuse/session/revoked.ts).
 */

/** PostgreSQL NOTIFY channel of revocations, heard on the live hub's LISTEN connection. */
export const SESSIONS_CHANNEL = 'fuse_sessions';

/** Anything that runs SQL: the database or an open transaction. */
type Executor = Pick<Database, 'execute'>;

/**
 * Announces a revocation: a NOTIFY that PostgreSQL delivers to every instance when (and only if) the
 * transaction commits, and this instance's list at once (with the embedded database there is no
 * other instance). Call it last in the transaction that makes the change.
 */
export async function announceRevocation(tx: Executor, revocation: Revocation): Promise<void> {
  await tx.execute(sql`select pg_notify(${SESSIONS_CHANNEL}, ${JSON.stringify(revocation)})`);
  revocations().apply(revocation);
}

/** A NOTIFY payload from another instance, applied here; anything malformed is ignored. */
export function applyRevocationNotice(payload: string, list: RevocationList = revocations()): void {
  let r: Revocation;
  try {
    r = JSON.parse(payload) as Revocation;
  } catch {
    return;
  }
  const number = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const text = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 64;
  if (r?.kind === 'session' && text(r.sessionId) && text(r.userId) && number(r.until)) list.apply(r);
  else if (r?.kind === 'user' && text(r.userId) && number(r.minVersion) && number(r.at)) list.apply(r);
  else if (r?.kind === 'recheck' && text(r.userId) && (r.businessId === null || text(r.businessId)) && number(r.at)) list.apply(r);
}

/**
 * Reads the revocations a cookie could still be affected by: sessions ended before their absolute
 * end, and users whose sessions changed within one token lifetime. An instance does this when it
 * starts and whenever its LISTEN connection comes back (it may have missed notices meanwhile);
 * until the first read, every cookie is re-checked against the database.
 */
export async function loadRevocations(db: Database, list: RevocationList = revocations()): Promise<void> {
  const [ended, changed] = await timed(
    'session.loadRevocations',
    async () =>
      [
        await db
          .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
          .from(sessions)
          .where(and(isNotNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`))),
        await db
          .select({ id: users.id, sessionVersion: users.sessionVersion, at: users.sessionsChangedAt })
          .from(users)
          .where(gt(users.sessionsChangedAt, sql`now() - make_interval(secs => ${SESSION_TTL_SECONDS})`)),
      ] as const,
  );
  const now = Date.now();
  for (const s of ended) list.apply({ kind: 'session', sessionId: s.id, userId: s.userId, until: s.expiresAt.getTime() }, now, true);
  for (const u of changed) {
    const at = u.at!.getTime();
    list.apply({ kind: 'user', userId: u.id, minVersion: u.sessionVersion, at }, now, true);
    list.apply({ kind: 'recheck', userId: u.id, businessId: null, at }, now, true);
  }
  list.loaded = true;
  // Streams opened while notices could not be heard (the LISTEN connection was down) close now.
  list.announceAll(now);
}

/** The client address cut to its network, for the user to recognise a session by: `203.0.113.0/24`, `2001:db8:1::/48`. */
export function addressSummary(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const addr = normalizeIp(ip);
  const kind = isIP(addr);
  if (kind === 4) return `${addr.split('.').slice(0, 3).join('.')}.0/24`;
  if (kind !== 6) return null;
  const [head = '', tail] = addr.split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : [];
    while (groups.length + rest.length < 8) groups.push('0');
    groups.push(...rest);
  }
  return `${groups
    .slice(0, 3)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/48`;
}

export type SessionOrigin = { userAgent: string | null; ip: string | null };

/** Where a sign-in came from, as a session row records it. */
export function sessionOrigin(request: Request): SessionOrigin {
  return { userAgent: request.headers.get('user-agent'), ip: requestClientIp(request) };
}

/**
 * Starts a session for a user who just proved who they are (sign-in, sign-up, invite acceptance):
 * a new row with its absolute end (SESSION_LIFETIME_DAYS from now). The user's sessions that have
 * ended are deleted on the way, so the table holds about one lifetime of sessions per user.
 */
export async function startSession(db: Database, input: SessionInput, origin: SessionOrigin): Promise<SessionGrant> {
  const lifetime = config().session.lifetimeSeconds;
  return timed('session.start', async () => {
    const [row] = await db
      .insert(sessions)
      .values({
        userId: input.userId,
        expiresAt: sql`now() + make_interval(secs => ${lifetime})`,
        userAgent: origin.userAgent?.slice(0, 256) || null,
        ipSummary: addressSummary(origin.ip),
      })
      .returning({ id: sessions.id, expiresAt: sessions.expiresAt });
    await db.delete(sessions).where(and(eq(sessions.userId, input.userId), lt(sessions.expiresAt, sql`now()`)));
    return { ...input, sessionId: row!.id, sessionExpiresAt: Math.floor(row!.expiresAt.getTime() / 1000) };
  });
}

/** Ends one session (sign-out): its cookie, and every copy of it, is refused from now on, on every instance. */
export async function endSession(db: Database, session: Pick<Session, 'sessionId' | 'userId' | 'sessionExpiresAt'>): Promise<void> {
  await timed('session.end', () =>
    db.transaction(async (tx) => {
      await tx
        .update(sessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(sessions.id, session.sessionId), eq(sessions.userId, session.userId), isNull(sessions.revokedAt)));
      await announceRevocation(tx, { kind: 'session', sessionId: session.sessionId, userId: session.userId, until: session.sessionExpiresAt * 1000 });
    }),
  );
}

/** Records that the session was used (a refresh): what a list of "your sessions" shows as last active. */
export async function touchSession(db: Database, sessionId: string): Promise<void> {
  await timed('session.touch', () =>
    db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.id, sessionId)),
  );
}

export type SessionView = {
  id: string;
  /** Browser and system from the user agent. */
  device: string;
  userAgent: string | null;
  /** The client's network at sign-in (/24 or /48): no place data is kept. */
  ip: string | null;
  createdAt: string;
  /** Updated when the session's cookie is refreshed (every SESSION_REFRESH_SECONDS at most), not on every request. */
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
};

/** The user's live sessions, most recently used first; `current` marks the one asking. */
export async function listSessions(db: Database, session: Pick<Session, 'userId' | 'sessionId'>): Promise<SessionView[]> {
  const rows = await timed('session.list', () =>
    db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, session.userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
      .orderBy(sql`${sessions.lastSeenAt} desc`, sql`${sessions.createdAt} desc`)
      .limit(200),
  );
  // Loaded here only: the user-agent parser stays out of the bundles that import this module for revocations.
  const { describeDevice } = await import('./device');
  return rows.map((r) => ({
    id: r.id,
    device: describeDevice(r.userAgent),
    userAgent: r.userAgent,
    ip: r.ipSummary,
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    current: r.id === session.sessionId,
  }));
}

/**
 * Ends one of the user's own sessions by id (a device in "your sessions"), at once on every
 * instance. False when the user has no such live session: another user's id reads as unknown.
 */
export async function endOwnSession(db: Database, userId: string, sessionId: string): Promise<boolean> {
  return timed('session.endOwn', () =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(sessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
        .returning({ expiresAt: sessions.expiresAt });
      if (!row) return false;
      await announceRevocation(tx, { kind: 'session', sessionId, userId, until: row.expiresAt.getTime() });
      return true;
    }),
  );
}
