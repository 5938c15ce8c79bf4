import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { businesses, memberships, users } from '@/fuse/auth/schema';
import { assertCan, can } from '@/fuse/auth/permissions';
import type { Rank } from '@/fuse/auth/schema-types';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { NotFoundError } from '@/fuse/http/errors';
import type { Session } from '@/fuse/session/token';
import type { Theme } from './validators';

export type Scope = Pick<Session, 'businessId' | 'rank' | 'userId'>;

export type SettingsInitial = {
  profile: { name: string; email: string; theme: Theme };
  business: { id: string; name: string; timezone: string };
  canEditBusiness: boolean;
  /** Businesses this user may switch to (a commodore's several). */
  businesses: { businessId: string; name: string; rank: Rank; current: boolean }[];
};

/** The user's own name and theme as a live change carries them (to that user's streams only). */
export type ProfileChange = Pick<SettingsInitial['profile'], 'name' | 'theme'>;

export async function loadSettings(db: Database, scope: Scope): Promise<SettingsInitial> {
  assertCan(scope, 'settings.read');
  const [userRows, businessRows, memberRows] = await timed('settings.load', () =>
    Promise.all([
      db.select({ name: users.name, email: users.email, theme: users.theme }).from(users).where(eq(users.id, scope.userId)).limit(1),
      db
        .select({ id: businesses.id, name: businesses.name, timezone: businesses.timezone })
        .from(businesses)
        .where(eq(businesses.id, scope.businessId))
        .limit(1),
      db
        .select({ businessId: businesses.id, name: businesses.name, rank: memberships.rank })
        .from(memberships)
        .innerJoin(businesses, eq(businesses.id, memberships.businessId))
        .where(eq(memberships.userId, scope.userId))
        .orderBy(asc(businesses.name))
        .limit(200),
    ]),
  );
  const user = userRows[0];
  const business = businessRows[0];
  if (!user || !business) throw new NotFoundError('Account not found.');
  const choices = memberRows.map((m) => ({ ...m, current: m.businessId === scope.businessId }));
  // The admiral's support view of a business they are not a member of still lists where they are.
  if (!choices.some((c) => c.current)) choices.unshift({ businessId: business.id, name: business.name, rank: scope.rank, current: true });
  return { profile: user, business, canEditBusiness: can(scope.rank, 'settings.editBusiness'), businesses: choices };
}
