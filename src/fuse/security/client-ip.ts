import { isIP } from 'node:net';

/**
 * Who a request comes from, as the rate limiter, the logs, the cookie and the Origin check see it:
 * the one place that decides whether X-Forwarded-* headers are believed (`requestOrigin`).
 *
 * Next 16 gives the proxy no socket address (`NextRequest.ip` is gone) and only fills
 * `X-Forwarded-For` with the socket address when the client did not send one itself, so that
 * header alone can be spoofed. FUSE therefore records the socket address in `x-fuse-peer-address`
 * before Next sees the request (see `peer-address.ts`, installed from instrumentation), overwriting
 * anything a client sent under that name. The address is then taken from the socket, unless the
 * socket peer is a trusted proxy (`TRUSTED_PROXIES`): only then is `X-Forwarded-For` read, from the
 * right, skipping further trusted proxies, so a client-written left part never counts.
 */
export const PEER_HEADER = 'x-fuse-peer-address';
/** Set by the request policy on every page and API request (always overwritten): the request id. */
export const REQUEST_ID_HEADER = 'x-request-id';
export const PEER_MARK = Symbol.for('fuse.peerAddressInstalled');

export function normalizeIp(raw: string): string {
  let ip = raw.trim();
  if (ip.startsWith('[')) ip = ip.slice(1, ip.indexOf(']'));
  if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return ip.toLowerCase();
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function ipv6ToBigInt(ip: string): bigint {
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const missing = 8 - h.length - t.length;
  const parts = [...h, ...Array<string>(tail !== undefined ? missing : 0).fill('0'), ...t];
  return parts.reduce((n, p) => (n << 16n) + BigInt(parseInt(p || '0', 16)), 0n);
}

/** Whether `ip` is one of the entries: exact addresses or CIDR ranges (`10.0.0.0/8`, `fd00::/8`). */
export function ipMatches(ip: string, entries: readonly string[]): boolean {
  const addr = normalizeIp(ip);
  const kind = isIP(addr);
  if (!kind) return false;
  for (const entry of entries) {
    const [rangeRaw, bitsRaw] = entry.split('/');
    const range = normalizeIp(rangeRaw ?? '');
    if (isIP(range) !== kind) continue;
    if (bitsRaw === undefined) {
      if (range === addr) return true;
      continue;
    }
    const bits = Number(bitsRaw);
    if (kind === 4) {
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      if ((ipv4ToInt(addr) & mask) === (ipv4ToInt(range) & mask)) return true;
    } else {
      const shift = BigInt(128 - bits);
      if (ipv6ToBigInt(addr) >> shift === ipv6ToBigInt(range) >> shift) return true;
    }
  }
  return false;
}

/**
 * The client address from the socket peer and the forwarding chain.
 * `peer` is the socket address; `forwardedFor` the raw `X-Forwarded-For` value.
 */
export function resolveClientIp(peer: string, forwardedFor: string | null, trustedProxies: readonly string[]): string {
  const socket = normalizeIp(peer);
  if (!trustedProxies.length || !ipMatches(socket, trustedProxies)) return socket;
  const chain = (forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => isIP(normalizeIp(s)));
  // Walk from the nearest hop outwards; the first address that is not a trusted proxy is the client.
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = normalizeIp(chain[i]!);
    if (!ipMatches(hop, trustedProxies)) return hop;
  }
  return chain.length ? normalizeIp(chain[0]!) : socket;
}

/** What reading a request's headers needs: a web `Headers`, or `nodeRequestHeaders` of a Node request. */
export type HeaderReader = Pick<Headers, 'get'>;

/** A Node request's headers read like web `Headers` (lower-case names, repeated values joined), without copying them. */
export function nodeRequestHeaders(req: { headers: Record<string, string | string[] | undefined> }): HeaderReader {
  return {
    get: (name) => {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** The socket address recorded by the hook in peer-address.ts; null where the hook does not run. */
function socketPeer(headers: HeaderReader): string | null {
  const installed = (globalThis as Record<symbol, unknown>)[PEER_MARK] === true;
  return (installed && headers.get(PEER_HEADER)) || null;
}

/** The client address of a request in the proxy or a route handler. */
export function clientIpFromHeaders(headers: HeaderReader, trustedProxies: readonly string[]): string {
  const xff = headers.get('x-forwarded-for');
  let peer = socketPeer(headers);
  if (!peer) {
    // Without the socket hook, the last X-Forwarded-For entry is the one Next appended itself
    // when the client sent none; it is the best remaining guess.
    const parts = (xff ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    peer = parts[parts.length - 1] ?? '0.0.0.0';
  }
  return resolveClientIp(peer, xff, trustedProxies);
}

/** What decides whether forwarded headers are believed: the configured proxies and public URL. */
export type ForwardingTrust = { trustedProxies: readonly string[]; publicUrl: string | null };

export type RequestOrigin = {
  /** The client address: the socket peer, or X-Forwarded-For walked past trusted proxies. */
  ip: string;
  /** HTTPS as the browser sees it: FUSE_PUBLIC_URL is https://…, or a trusted proxy says X-Forwarded-Proto: https. */
  https: boolean;
  /** The host the browser addressed: a trusted proxy's X-Forwarded-Host, else Host. */
  host: string | null;
  /** The socket peer is one of TRUSTED_PROXIES, so its other headers (X-Request-Id) are believed too. */
  viaTrustedProxy: boolean;
};

function firstValue(headers: HeaderReader, name: string): string | null {
  return headers.get(name)?.split(',')[0]?.trim().toLowerCase() || null;
}

/**
 * Where a request comes from and how the browser reached FUSE. X-Forwarded-For, -Proto and -Host
 * count only when the socket peer is a trusted proxy (the peer is known only where the socket hook
 * runs): from anyone else they would let a client pick its address, its cookie name and the Origin
 * it may send.
 */
export function requestOrigin(headers: HeaderReader, trust: ForwardingTrust): RequestOrigin {
  const peer = socketPeer(headers);
  const viaTrustedProxy = !!peer && trust.trustedProxies.length > 0 && ipMatches(peer, trust.trustedProxies);
  const forwardedHttps = viaTrustedProxy && firstValue(headers, 'x-forwarded-proto') === 'https';
  return {
    ip: clientIpFromHeaders(headers, trust.trustedProxies),
    https: forwardedHttps || !!trust.publicUrl?.startsWith('https:'),
    host: (viaTrustedProxy && firstValue(headers, 'x-forwarded-host')) || firstValue(headers, 'host'),
    viaTrustedProxy,
  };
}
