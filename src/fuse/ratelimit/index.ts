import type Redis from 'ioredis';
import { config } from '@/fuse/config';
import { logger } from '@/fuse/observability/logger';
import { rateLimitStoreFailures } from '@/fuse/observability/metrics';
import { onShutdown } from '@/fuse/shutdown';
import { createFastFailRedis, firstConnection, RedisStore } from './redis-store';
import { MemoryStore, rateLimitHeaders, type Decision, type RateLimitStore, type Rule } from './sliding-window';
import { processSingleton } from '@/fuse/singleton';

export { MemoryStore, rateLimitHeaders, type Decision, type Rule } from './sliding-window';

/** What happens when Redis is configured but does not answer. */
export type OnStoreFailure = 'memory' | 'closed';

export class RateLimitedError extends Error {
  readonly status = 429;
  constructor(
    readonly headers: Record<string, string>,
    message = 'Too many attempts. Wait a moment and try again.',
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/** Redis is configured but unreachable: security-sensitive limits fail closed with this (503). */
export class RateLimitUnavailableError extends Error {
  readonly status = 503;
  readonly headers = { 'Retry-After': '5' };
  constructor() {
    super('Sign-in is briefly unavailable. Try again in a few seconds.');
    this.name = 'RateLimitUnavailableError';
  }
}

type Limiters = { memory: MemoryStore; redis: RateLimitStore | null; client: Redis | null; lastWarning: number };
const state = processSingleton('rateLimiters', (): { fuseRateLimiters?: Limiters } => ({}));

function limiters(): Limiters {
  if (!state.fuseRateLimiters) {
    const { redisUrl, redisPrefix, redisCommandTimeoutMs } = config();
    const client = redisUrl ? createFastFailRedis(redisUrl, { commandTimeoutMs: redisCommandTimeoutMs }) : null;
    if (client) onShutdown(() => void client.quit().catch(() => client.disconnect()), { after: 'requests' });
    state.fuseRateLimiters = {
      memory: new MemoryStore(),
      redis: client ? new RedisStore(client, `${redisPrefix}rl:`) : null,
      client,
      lastWarning: 0,
    };
  }
  return state.fuseRateLimiters;
}

/** The process's one Redis client (REDIS_URL; null without it): the rate limiter's, also probed by /api/ready. */
export function sharedRedis(): Redis | null {
  return limiters().client;
}

/**
 * Counts one request against `key`. With Redis the budget is shared by every instance; when Redis
 * fails, `memory` falls back to this process's own budget (pages stay up), `closed` throws
 * `RateLimitUnavailableError` (sign-in must not become unlimited).
 */
export async function hitRateLimit(key: string, rule: Rule, onFailure: OnStoreFailure, mode: 'hit' | 'peek' = 'hit'): Promise<Decision> {
  const l = limiters();
  if (!l.redis) return l.memory[mode](key, rule);
  try {
    // The first requests of a process that just started wait for its first connection (≤ 1 s).
    if (l.client) await firstConnection(l.client, 1_000);
    return await l.redis[mode](key, rule);
  } catch (err) {
    if (Date.now() - l.lastWarning > 10_000) {
      l.lastWarning = Date.now();
      logger.warn({ err: (err as Error).message }, 'rate limiter: Redis unavailable');
    }
    rateLimitStoreFailures.inc({ outcome: onFailure });
    if (onFailure === 'closed') throw new RateLimitUnavailableError();
    return l.memory[mode](key, rule);
  }
}

/** The general per-IP budget for pages and API (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_SECONDS). */
export function requestRule(): Rule {
  const { max, windowSeconds } = config().rateLimit;
  return { max, windowMs: windowSeconds * 1000 };
}

/**
 * Webhook senders (Stripe) post in bursts from few addresses: their own per-IP budget, ten times the
 * general one, so a burst of events neither starves nor is starved by page traffic from that address.
 */
export function webhookRule(): Rule {
  const { max, windowSeconds } = config().rateLimit;
  return { max: max * 10, windowMs: windowSeconds * 1000 };
}

/** Failed webhook signatures per IP (AUTH_RATE_LIMIT_MAX a minute): a forger cannot try signatures in bulk. */
export async function guardWebhookSignature(ip: string): Promise<PasswordGuard> {
  const rule = authRules.ip();
  const key = `webhook-signature:ip:${ip}`;
  const peek = await hitRateLimit(key, rule, 'memory', 'peek');
  if (!peek.allowed) throw new RateLimitedError(rateLimitHeaders(peek, rule), 'Too many webhook deliveries with a bad signature. Try again later.');
  return {
    async attempt(check, isFailure) {
      try {
        return await check();
      } catch (err) {
        if (isFailure(err)) await hitRateLimit(key, rule, 'memory');
        throw err;
      }
    },
  };
}

export const authRules = {
  /** Sign-up attempts, and failed sign-in attempts, per client IP. */
  ip: (): Rule => ({ max: config().rateLimit.authMax, windowMs: 60_000 }),
  /** Failed sign-in attempts per account from any address: rotating IPs do not reset it. */
  account: (): Rule => ({ max: config().rateLimit.authAccountMax, windowMs: 15 * 60_000 }),
};

/**
 * Counts one attempt against every key (all are counted, so no key is spared by another's refusal);
 * over any of them: RateLimitedError (429). Fails closed (503) when Redis is down.
 */
async function enforceAttemptLimit(keys: string[], rule: Rule, message?: string): Promise<void> {
  const decisions = await Promise.all(keys.map((key) => hitRateLimit(key, rule, 'closed')));
  const refused = decisions.find((d) => !d.allowed);
  if (refused) throw new RateLimitedError(rateLimitHeaders(refused, rule), message);
}

/** Sign-up: every attempt counts against the client IP. Throws RateLimitedError (429) or RateLimitUnavailableError (503). */
export async function enforceSignUpLimit(ip: string): Promise<void> {
  await enforceAttemptLimit([`sign-up:ip:${ip}`], authRules.ip());
}

/**
 * Invite links: every join-page lookup and every accept attempt counts against the client IP
 * (AUTH_RATE_LIMIT_MAX a minute), so whether an address has an account cannot be probed in bulk.
 */
export async function enforceInviteLookupLimit(ip: string): Promise<void> {
  await enforceAttemptLimit([`invite-lookup:ip:${ip}`], authRules.ip());
}

/** Invites created, per inviter and per business (INVITE_RATE_LIMIT_MAX an hour). */
export async function enforceInviteCreateLimit(scope: { userId: string; businessId: string }): Promise<void> {
  const rule: Rule = { max: config().rateLimit.inviteMax, windowMs: 60 * 60_000 };
  await enforceAttemptLimit(
    [`invite-create:user:${scope.userId}`, `invite-create:business:${scope.businessId}`],
    rule,
    'Too many invites in the last hour. Try again later.',
  );
}

/**
 * Account mail (password reset, verification, email change): every request counts against the
 * client IP (AUTH_RATE_LIMIT_MAX a minute) and against each address or user it concerns
 * (ACCOUNT_MAIL_RATE_LIMIT_MAX an hour), whether or not an account exists, so a refusal says nothing
 * about the address and no one's inbox can be flooded.
 */
export async function enforceAccountMailLimit(ip: string, subjects: string[]): Promise<void> {
  await enforceAttemptLimit([`account-mail:ip:${ip}`], authRules.ip());
  const rule: Rule = { max: config().rateLimit.accountMailMax, windowMs: 60 * 60_000 };
  await enforceAttemptLimit(
    subjects.map((s) => `account-mail:${s.trim().toLowerCase()}`),
    rule,
    'Too many emails asked for this account in the last hour. Try again later.',
  );
}

export type PasswordGuard = {
  /** Runs the password check; an error `isFailure` calls a wrong password is recorded, then rethrown. */
  attempt<T>(check: () => Promise<T>, isFailure: (err: unknown) => boolean): Promise<T>;
};

/**
 * Brute-force protection for anything that checks a password (sign-in, password change, accepting
 * an invite for an existing account), with one budget per IP and one per account shared by all of
 * them: refused while the client IP or the account has used up its budget of *failed* attempts; the caller runs
 * the check through `attempt()`, which records a failure when the password turned out wrong.
 * Successful sign-ins cost nothing. Throws RateLimitedError (429) or RateLimitUnavailableError (503, Redis down: fail closed).
 */
export async function guardPasswordAttempt(ip: string, email: string | null): Promise<PasswordGuard> {
  const ipRule = authRules.ip();
  const accountRule = authRules.account();
  const ipKey = `sign-in:ip:${ip}`;
  const accountKey = email ? `sign-in:account:${email.trim().toLowerCase()}` : null;
  const byIp = await hitRateLimit(ipKey, ipRule, 'closed', 'peek');
  if (!byIp.allowed) throw new RateLimitedError(rateLimitHeaders(byIp, ipRule));
  if (accountKey) {
    const byAccount = await hitRateLimit(accountKey, accountRule, 'closed', 'peek');
    if (!byAccount.allowed) {
      throw new RateLimitedError(
        rateLimitHeaders(byAccount, accountRule),
        'Too many sign-in attempts for this account. Wait a few minutes and try again.',
      );
    }
  }
  const recordFailure = async () => {
    await hitRateLimit(ipKey, ipRule, 'closed');
    if (accountKey) await hitRateLimit(accountKey, accountRule, 'closed');
  };
  return {
    async attempt(check, isFailure) {
      try {
        return await check();
      } catch (err) {
        if (isFailure(err)) await recordFailure();
        throw err;
      }
    },
  };
}
