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

export const PLANS = ['free', 'pro', 'business'] as const;
export const SUBSCRIPTION_STATUSES = ['active', 'trialing', 'past_due', 'incomplete', 'canceled'] as const;

/**
 * A business's subscription: one row per business (the billing domain keeps it in step with Stripe,
 * src/domains/billing). `plan` is the plan paid for; a `canceled` (or `incomplete`) row is free in
 * effect. The billing domain locks this row to count a business's clients and members against its plan.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    businessId: uuid('business_id')
      .notNull()
      .references(() => businesses.id, { onDelete: 'cascade' }),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    plan: text('plan', { enum: PLANS }).notNull(),
    status: text('status', { enum: SUBSCRIPTION_STATUSES }).notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** When payment first failed: writes are refused once the grace period after it has passed. */
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    /** When the current paid period of subscription began, and when it ended (MRR and churn by month). */
    paidSince: timestamp('paid_since', { withTimezone: true }),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    /** The `created` (Unix seconds) of the newest Stripe event applied: an older one never overwrites it. */
    lastEventCreated: bigint('last_event_created', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.businessId, t.id] }),
    uniqueIndex('subscriptions_business_unique').on(t.businessId),
    uniqueIndex('subscriptions_stripe_customer_unique')
      .on(t.stripeCustomerId)
      .where(sql`${t.stripeCustomerId} is not null`),
    index('subscriptions_stripe_subscription_idx')
      .on(t.stripeSubscriptionId)
      .where(sql`${t.stripeSubscriptionId} is not null`),
    index('subscriptions_status_idx').on(t.status, t.plan),
  ],
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
