import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { isLiveRequest } from '@/fuse/live/node-transport';
import { parseResumePosition } from '@/fuse/live/server';
import { encodeChange, httpChunk } from '@/fuse/live/sse';
import { parseCookieHeader, serializeCookie, sessionCookieOptions } from '@/fuse/session/cookie';

const req = (method: string, url: string) => ({ method, url }) as http.IncomingMessage;

describe('live stream on the Node server', () => {
  it('claims GET /api/live only', () => {
    expect(isLiveRequest(req('GET', '/api/live'))).toBe(true);
    expect(isLiveRequest(req('GET', '/api/live?after=12'))).toBe(true);
    for (const [method, url] of [
      ['POST', '/api/live'],
      ['HEAD', '/api/live'],
      ['GET', '/api/live/'],
      ['GET', '/api/lively'],
      ['GET', '/api/live/x'],
      ['GET', '/api/clients?next=/api/live'],
    ] as const) {
      expect(isLiveRequest(req(method, url)), `${method} ${url}`).toBe(false);
    }
  });

  it('frames an event once as one HTTP/1.1 chunk, and reuses that buffer', () => {
    const bytes = encodeChange({
      id: 7,
      businessId: 'b',
      domain: 'clients',
      kind: 'upsert',
      entityId: '3',
      data: { é: 'ü' },
      mutationId: null,
      at: '',
    });
    const chunk = httpChunk(bytes);
    const text = chunk.toString('utf8');
    const size = parseInt(text.slice(0, text.indexOf('\r\n')), 16);
    expect(size).toBe(bytes.byteLength);
    expect(chunk.subarray(chunk.indexOf('\r\n') + 2, chunk.length - 2).equals(Buffer.from(bytes))).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(httpChunk(bytes)).toBe(chunk);
  });

  it('reads the resume position from Last-Event-ID first, then ?after=', () => {
    expect(parseResumePosition(null, null)).toBeNull();
    expect(parseResumePosition('', '')).toBeNull();
    expect(parseResumePosition('42', '7')).toBe(42);
    expect(parseResumePosition(null, '7')).toBe(7);
    expect(parseResumePosition('x', null)).toBeUndefined();
    expect(parseResumePosition(null, '-1')).toBeUndefined();
    expect(parseResumePosition('1234567890123456', null)).toBeUndefined();
  });

  it('parses the Cookie header as Next does (a repeated name: the last value) and writes Set-Cookie as Next does', () => {
    const jar = parseCookieHeader('a=1; FUSE_SESSION=tok.en-1; b=%20x; FUSE_SESSION=second');
    expect(jar.get('FUSE_SESSION')?.value).toBe('second');
    expect(jar.get('b')?.value).toBe(' x');
    expect(jar.get('missing')).toBeUndefined();
    const set = serializeCookie('__Host-FUSE_SESSION', 'abc', sessionCookieOptions(true));
    expect(set).toMatch(/^__Host-FUSE_SESSION=abc; Path=\/; Expires=[^;]+; Max-Age=2592000; Secure; HttpOnly; SameSite=lax$/);
    expect(serializeCookie('FUSE_SESSION', '', { ...sessionCookieOptions(false), maxAge: 0 })).toMatch(
      /^FUSE_SESSION=; Path=\/; Expires=[^;]+; Max-Age=0; HttpOnly; SameSite=lax$/,
    );
  });
});
