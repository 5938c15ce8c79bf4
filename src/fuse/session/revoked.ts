import { SESSION_TTL_SECONDS } from './token';
import { processSingleton } from '@/fuse/singleton';

/**
 * What this instance knows of revoked sessions, held in memory so a cookie read needs no database
 * query. Every instance hears of each revocation (PostgreSQL NOTIFY on the live hub's LISTEN
 * connection; in-process with the embedded database: src/fuse/session/sessions.ts) and reads the
 * still-relevant ones from the database when it starts and whenever its LISTEN connection returns.
 *
 * - `session`: one session ended (sign-out). Its cookies are refused until the session's absolute end.
 * - `user`: every session of the user below `minVersion` ended (sign out everywhere, password change).
 * - `recheck`: the user's standing changed at `at` (rank change, removal from a business): cookies
 *   issued before are re-checked against the database (and re-minted with the new rank) before use.
 *
 * Entries expire when no cookie they concern can still be valid, so the list holds what was revoked
 * within one session lifetime at most.
 */
export type Revocation =
  | { kind: 'session'; sessionId: string; userId: string; until: number }
  | { kind: 'user'; userId: string; minVersion: number; at: number }
  | { kind: 'recheck'; userId: string; businessId: string | null; at: number };

/** A cookie's standing: usable as it is, refused, or to be re-checked against the database first. */
export type Standing = 'current' | 'ended' | 'recheck';

/** The part of a session the list decides on. */
export type SessionMarks = { userId: string; sessionId: string; sessionVersion: number; issuedAt: number };

/**
 * A cookie minted this close after a rank change is re-checked too: a refresh that read the
 * membership just before the change committed may have minted it (issue times are whole seconds).
 */
const RECHECK_MARGIN_MS = 1_000;
const TOKEN_TTL_MS = SESSION_TTL_SECONDS * 1000;
const SWEEP_EVERY_MS = 60_000;

type UserMarks = { minVersion: number; recheckAt: number; until: number };

/** Which open streams a revocation concerns (by their reader and business). */
export type StreamMatch = (reader: SessionMarks, businessId: string) => boolean;

export class RevocationList {
  private readonly ended = new Map<string, number>();
  private readonly users = new Map<string, UserMarks>();
  private readonly listeners = new Set<(concerns: StreamMatch) => void>();
  private lastSweep = 0;
  /** False until the database's revocations are loaded: until then every cookie is re-checked. */
  loaded = false;

  /** Records a revocation and tells the listeners (unless `quiet`: a bulk load tells them once, after). */
  apply(r: Revocation, now = Date.now(), quiet = false): void {
    if (r.kind === 'session') {
      if (r.until <= now) return;
      this.ended.set(r.sessionId, Math.max(r.until, this.ended.get(r.sessionId) ?? 0));
    } else {
      const marks = this.users.get(r.userId) ?? { minVersion: 0, recheckAt: 0, until: 0 };
      if (r.kind === 'user') marks.minVersion = Math.max(marks.minVersion, r.minVersion);
      else marks.recheckAt = Math.max(marks.recheckAt, r.at);
      marks.until = Math.max(marks.until, r.at + TOKEN_TTL_MS);
      if (marks.until <= now) return;
      this.users.set(r.userId, marks);
    }
    if (now - this.lastSweep > SWEEP_EVERY_MS) this.sweep(now);
    if (!quiet) this.announce((reader, businessId) => revocationConcerns(r, reader, businessId));
  }

  /** After a bulk load: the listeners check every open stream against the whole list once. */
  announceAll(now = Date.now()): void {
    this.announce((reader) => this.decide(reader, now) !== 'current');
  }

  /** How a cookie may be used; before the first load, every cookie is re-checked against the database. */
  standing(s: SessionMarks, now = Date.now()): Standing {
    if (!this.loaded) return 'recheck';
    return this.decide(s, now);
  }

  /** Whether a revocation held here concerns this session (a stream that has just opened is closed). */
  affects(s: SessionMarks, now = Date.now()): boolean {
    return this.decide(s, now) !== 'current';
  }

  private decide(s: SessionMarks, now: number): Standing {
    const until = this.ended.get(s.sessionId);
    if (until !== undefined && until > now) return 'ended';
    const marks = this.users.get(s.userId);
    if (marks && marks.until > now) {
      if (s.sessionVersion < marks.minVersion) return 'ended';
      if (s.issuedAt * 1000 <= marks.recheckAt + RECHECK_MARGIN_MS) return 'recheck';
    }
    return 'current';
  }

  /** Called with each revocation applied (the live hub closes the streams it concerns). */
  onRevocation(listener: (concerns: StreamMatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Entries held: ended sessions and users with marks. */
  size(): { sessions: number; users: number } {
    return { sessions: this.ended.size, users: this.users.size };
  }

  private announce(concerns: StreamMatch) {
    for (const listener of this.listeners) listener(concerns);
  }

  private sweep(now: number) {
    this.lastSweep = now;
    for (const [id, until] of this.ended) if (until <= now) this.ended.delete(id);
    for (const [id, marks] of this.users) if (marks.until <= now) this.users.delete(id);
  }
}

/** Whether an open live stream's reader is concerned by a revocation (its stream is closed). */
export function revocationConcerns(r: Revocation, reader: SessionMarks, businessId: string): boolean {
  if (r.kind === 'session') return reader.sessionId === r.sessionId;
  if (reader.userId !== r.userId) return false;
  if (r.kind === 'user') return reader.sessionVersion < r.minVersion;
  return (r.businessId === null || r.businessId === businessId) && reader.issuedAt * 1000 <= r.at + RECHECK_MARGIN_MS;
}

const globalForRevocations = processSingleton('revocations', (): { fuseRevocations?: RevocationList } => ({}));

/**
 * The list of this process. On globalThis: the proxy, route handlers, pages and the live transport
 * are separate bundles and must all consult the same one.
 */
export function revocations(): RevocationList {
  globalForRevocations.fuseRevocations ??= new RevocationList();
  return globalForRevocations.fuseRevocations;
}
