import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Decision, RateLimitStore, Rule } from './sliding-window';

/**
 * The sliding log in Redis: one sorted set per key, scored by Redis' own clock (`TIME`), so every
 * app instance shares one budget and their clocks do not matter. Atomic as one Lua script.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if ARGV[4] == 'peek' then
  if count < limit then
    if count == 0 then return {1, limit, 0} end
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {1, limit - count, tonumber(first[2]) + window - now}
  end
elseif count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, limit - count - 1, tonumber(first[2]) + window - now}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(first[2]) + window - now}
`;

type WithSlidingWindow = Redis & {
  fuseSlidingWindow(key: string, windowMs: number, max: number, member: string, mode: 'hit' | 'peek'): Promise<[number, number, number]>;
};

/**
 * A Redis client that fails fast: no offline queue (a command while disconnected errors at once
 * instead of waiting), a short command timeout (a frozen server answers nothing), one retry.
 */
export function createFastFailRedis(url: string, options: { commandTimeoutMs?: number } = {}): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? 250,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    // Keep reconnecting in the background, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    // Every request counts against the limiter: the commands of one event-loop turn go out as one
    // write (one syscall, one packet) instead of one each.
    enableAutoPipelining: true,
  });
  // Without a listener an unreachable server would be reported as an unhandled error event.
  client.on('error', () => undefined);
  return client;
}

/** Resolves once the client is connected; rejects after `timeoutMs` with its state in the message. */
export function whenRedisReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(new Error(`Redis is not connected (${client.status})`)), timeoutMs);
    client.on('ready', onReady);
  });
}

/**
 * A client that has never been ready is still making its first connection (a process that just
 * started): wait for it, up to `timeoutMs`, rather than fail the first requests. Once it has been
 * ready, a lost connection fails fast (no offline queue) as designed.
 */
export function firstConnection(client: Redis, timeoutMs: number): Promise<void> {
  const state = client as Redis & { fuseWasReady?: boolean };
  if (client.status === 'ready') {
    state.fuseWasReady = true;
    return Promise.resolve();
  }
  // Only the first attempt: a server that refused it (reconnecting) or a closed client fails fast.
  if (state.fuseWasReady || !['wait', 'connecting', 'connect'].includes(client.status)) return Promise.resolve();
  return whenRedisReady(client, timeoutMs).then(
    () => void (state.fuseWasReady = true),
    () => undefined,
  );
}

export class RedisStore implements RateLimitStore {
  private readonly client: WithSlidingWindow;
  constructor(
    client: Redis,
    private readonly prefix: string,
  ) {
    client.defineCommand('fuseSlidingWindow', { numberOfKeys: 1, lua: SCRIPT });
    this.client = client as WithSlidingWindow;
  }

  hit(key: string, rule: Rule): Promise<Decision> {
    return this.run(key, rule, 'hit');
  }

  peek(key: string, rule: Rule): Promise<Decision> {
    return this.run(key, rule, 'peek');
  }

  private async run(key: string, rule: Rule, mode: 'hit' | 'peek'): Promise<Decision> {
    if (this.client.status !== 'ready') throw new Error(`Redis is not connected (${this.client.status}).`);
    const [allowed, remaining, resetMs] = await this.client.fuseSlidingWindow(this.prefix + key, rule.windowMs, rule.max, randomUUID(), mode);
    return { allowed: allowed === 1, limit: rule.max, remaining, resetMs: Math.max(allowed ? 0 : 1, resetMs) };
  }
}
