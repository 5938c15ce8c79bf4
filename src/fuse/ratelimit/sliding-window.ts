/**
 * Sliding-window rate limiting (a sliding log: each accepted request is remembered until it is one
 * window old). Unlike a fixed window, a burst at the end of one window is still counted at the start
 * of the next, so nobody gets 2× the budget across a boundary. Written here because the maintained
 * libraries either lack a true sliding window (rate-limiter-flexible) or need their own store.
 */

export type Rule = { max: number; windowMs: number };

export type Decision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until a slot frees up (the oldest counted request leaves the window). */
  resetMs: number;
};

export interface RateLimitStore {
  /** Counts a request and decides. */
  hit(key: string, rule: Rule): Promise<Decision>;
  /** Decides without counting (for budgets that only count failures). */
  peek(key: string, rule: Rule): Promise<Decision>;
}

/** In-process store: one array of timestamps per key, bounded in keys. */
export class MemoryStore implements RateLimitStore {
  private readonly log = new Map<string, number[]>();
  constructor(
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string, rule: Rule): Promise<Decision> {
    return this.hitSync(key, rule);
  }

  async peek(key: string, rule: Rule): Promise<Decision> {
    return this.hitSync(key, rule, false);
  }

  hitSync(key: string, rule: Rule, count = true): Decision {
    const now = this.now();
    const since = now - rule.windowMs;
    let times = this.log.get(key);
    if (times) {
      let drop = 0;
      while (drop < times.length && times[drop]! <= since) drop++;
      if (drop) times.splice(0, drop);
      // Re-insert so Map order is least-recently-used first.
      this.log.delete(key);
    } else {
      times = [];
    }
    this.log.set(key, times);
    if (this.log.size > this.maxKeys) {
      const oldest = this.log.keys().next().value;
      if (oldest !== undefined) this.log.delete(oldest);
    }
    if (times.length < rule.max) {
      if (!count) {
        const resetMs = times.length ? times[0]! + rule.windowMs - now : 0;
        return { allowed: true, limit: rule.max, remaining: rule.max - times.length, resetMs };
      }
      times.push(now);
      const resetMs = times[0]! + rule.windowMs - now;
      return { allowed: true, limit: rule.max, remaining: rule.max - times.length, resetMs };
    }
    const resetMs = Math.max(1, (times[0] ?? now) + rule.windowMs - now);
    return { allowed: false, limit: rule.max, remaining: 0, resetMs };
  }

  clear(): void {
    this.log.clear();
  }
}

/** The `RateLimit-*` (IETF draft) and `Retry-After` headers of a decision. */
export function rateLimitHeaders(decision: Decision, rule: Rule): Record<string, string> {
  const reset = Math.max(0, Math.ceil(decision.resetMs / 1000));
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(reset),
    'RateLimit-Policy': `${rule.max};w=${Math.round(rule.windowMs / 1000)}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(Math.max(1, reset));
  return headers;
}
