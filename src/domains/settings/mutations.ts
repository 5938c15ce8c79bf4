import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { businesses, users } from '@/fuse/auth/schema';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { timed } from '@/fuse/db/timed';
import { ValidationError } from '@/fuse/http/errors';
import { recordChange } from '@/fuse/live/outbox';
import type { ProfileChange, Scope } from './queries';
import { settingsPatch, type Theme } from './validators';

export const SETTINGS_DOMAIN = 'settings';

export type SettingsResult = { name: string; theme: Theme; businessName: string; timezone: string };

/**
 * Saves settings: name and theme are the user's own (any rank, the admiral included); the business
 * name and time zone need a captain. One transaction; both are published live (the user's own
 * change to that user's streams only, see src/fuse/auth/read-access.ts).
 */
export async function updateSettings(db: Database, scope: Scope, raw: unknown): Promise<SettingsResult> {
  const parsed = settingsPatch.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { name, theme, businessName, timezone } = parsed.data;
  const touchesBusiness = businessName !== undefined || timezone !== undefined;
  if (name !== undefined || theme !== undefined) assertCan(scope, 'settings.editProfile');
  if (touchesBusiness) assertCan(scope, 'settings.editBusiness');
  try {
    return await timed('settings.update', () =>
      db.transaction(async (tx) => {
        const personal = { ...(name !== undefined ? { name } : {}), ...(theme !== undefined ? { theme } : {}) };
        const [user] = Object.keys(personal).length
          ? await tx.update(users).set(personal).where(eq(users.id, scope.userId)).returning({ name: users.name, theme: users.theme })
          : await tx.select({ name: users.name, theme: users.theme }).from(users).where(eq(users.id, scope.userId));
        let business: { name: string; timezone: string } | undefined;
        if (touchesBusiness) {
          // PostgreSQL must know the zone too: every month boundary in finance is computed there.
          if (timezone !== undefined) await tx.execute(sql`select now() at time zone ${timezone}`);
          [business] = await tx
            .update(businesses)
            .set({ ...(businessName !== undefined ? { name: businessName } : {}), ...(timezone !== undefined ? { timezone } : {}) })
            .where(eq(businesses.id, scope.businessId))
            .returning({ name: businesses.name, timezone: businesses.timezone });
          await recordChange(tx, { businessId: scope.businessId, domain: SETTINGS_DOMAIN, kind: 'business', entityId: scope.businessId, data: business });
        } else {
          [business] = await tx.select({ name: businesses.name, timezone: businesses.timezone }).from(businesses).where(eq(businesses.id, scope.businessId));
        }
        if (Object.keys(personal).length) {
          const profile: ProfileChange = { name: user!.name, theme: user!.theme };
          await recordChange(tx, { businessId: scope.businessId, domain: SETTINGS_DOMAIN, kind: 'profile', entityId: scope.userId, data: profile });
        }
        return { name: user!.name, theme: user!.theme, businessName: business!.name, timezone: business!.timezone };
      }),
    );
  } catch (err) {
    const code = (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
    if (code === '22023') throw new ValidationError({ timezone: 'Choose a time zone such as Europe/Berlin.' });
    throw err;
  }
}
