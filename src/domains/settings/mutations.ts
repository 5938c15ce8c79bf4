import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { businesses, users } from '@/fuse/auth/schema';
import { defineMutation } from '@/fuse/domain/define-mutation';
import { ValidationError } from '@/fuse/http/errors';
import type { ProfileChange } from './queries';
import { settingsPatch, type Theme } from './validators';

export const SETTINGS_DOMAIN = 'settings';

export type SettingsResult = { name: string; theme: Theme; businessName: string; timezone: string };

/**
 * Saves settings: name and theme are the user's own (any rank, the admiral included); the business
 * name and time zone need a captain. One transaction; both are published live (the user's own
 * change to that user's streams only, see src/fuse/auth/read-access.ts).
 */
export const updateSettings = defineMutation({
  name: 'settings.update',
  // Name and theme are one's own; the business name and time zone need the business permission.
  permission: (input) => [
    ...(input.name !== undefined || input.theme !== undefined ? (['settings.editProfile'] as const) : []),
    ...(input.businessName !== undefined || input.timezone !== undefined ? (['settings.editBusiness'] as const) : []),
  ],
  input: settingsPatch,
  pgErrors: { '22023': new ValidationError({ timezone: 'Choose a time zone such as Europe/Berlin.' }) },
  run: async (tx, { scope, input, publish }): Promise<SettingsResult> => {
    const { name, theme, businessName, timezone } = input;
    const touchesBusiness = businessName !== undefined || timezone !== undefined;
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
      await publish({ domain: SETTINGS_DOMAIN, kind: 'business', entityId: scope.businessId, data: business! });
    } else {
      [business] = await tx
        .select({ name: businesses.name, timezone: businesses.timezone })
        .from(businesses)
        .where(eq(businesses.id, scope.businessId));
    }
    if (Object.keys(personal).length) {
      const profile: ProfileChange = { name: user!.name, theme: user!.theme };
      await publish({ domain: SETTINGS_DOMAIN, kind: 'profile', entityId: scope.userId, data: profile });
    }
    return { name: user!.name, theme: user!.theme, businessName: business!.name, timezone: business!.timezone };
  },
});
