import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { RANKS, THEMES } from './schema-types';

/** A tenant. Every tenant table carries `business_id` and leads its keys with it. */
export const businesses = pgTable('businesses', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    theme: text('theme', { enum: THEMES }).notNull().default('light'),
    /** Bumped by "sign out everywhere" and password changes: older session cookies stop working. */
    sessionVersion: integer('session_version').notNull().default(1),
    /**
     * When the session version was bumped or a membership's rank changed or ended: cookies issued
     * before are re-checked. An instance that starts reads the recent ones (src/fuse/session/sessions.ts).
     */
    sessionsChangedAt: timestamp('sessions_changed_at', { withTimezone: true }),
    /** The platform-operator rank is held by the user, not by a business membership. */
    isAdmiral: boolean('is_admiral').notNull().default(false),
    /** When the user proved they receive mail at `email` (null: not yet, or the address changed since). */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(sql`lower(${t.email})`),
    index('users_created_at_idx').on(t.createdAt),
    index('users_sessions_changed_at_idx')
      .on(t.sessionsChangedAt)
      .where(sql`${t.sessionsChangedAt} is not null`),
  ],
);

export { RANKS, type Rank } from './schema-types';

export const memberships = pgTable(
  'memberships',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    rank: text('rank', { enum: RANKS }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the user last switched to this business: sign-in opens the latest one. */
    lastSwitchedAt: timestamp('last_switched_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const subscriptions = pgTable(
  'subscriptions',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    plan: text('plan', { enum: ['free', 'pro', 'business'] }).notNull(),
    status: text('status', { enum: ['active', 'trialing', 'past_due', 'canceled'] }).notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.id] }), index('subscriptions_status_idx').on(t.status, t.plan)],
);

export const ACCOUNT_TOKEN_PURPOSES = ['verify_email', 'reset_password', 'change_email', 'revert_email'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * One-time links mailed to a user (src/fuse/auth/tokens.ts). Only the SHA-256 of the secret is
 * stored, so the table never holds a usable link; `email` is the address the link was sent for
 * (the new address of an email change, the old one of its "this wasn't me" link).
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    email: text('email').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('account_tokens_user_idx').on(t.userId, t.purpose), index('account_tokens_expires_idx').on(t.expiresAt)],
);

export type Business = typeof businesses.$inferSelect;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Membership = typeof memberships.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;
