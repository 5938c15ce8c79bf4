import { NextResponse, type NextRequest } from 'next/server';
import { pagePolicy } from '@/fuse/http/page-policy';

/**
 * The page policy (src/fuse/http/page-policy.ts) where no Node HTTP server runs in front of Next. On
 * `next start` and `next dev` the policy has already run on the Node server, which marks the request
 * with PAGE_POLICY_HEADER, and this proxy is skipped (see `config.matcher`).
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const policy = await pagePolicy({ method: request.method, pathname, search, headers: request.headers });
  const response = policy.answer
    ? policy.answer.status === 429
      ? new NextResponse(policy.answer.body, { status: 429, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } })
      : NextResponse.redirect(new URL(policy.answer.location, request.url))
    : (() => {
        const headers = new Headers(request.headers);
        for (const [name, value] of Object.entries(policy.request)) {
          if (value === null) headers.delete(name);
          else headers.set(name, value);
        }
        return NextResponse.next({ request: { headers } });
      })();
  for (const [name, value] of policy.response) {
    if (name === 'Set-Cookie') response.headers.append(name, value);
    else response.headers.set(name, value);
  }
  return response;
}

/**
 * Pages only. The API (`/api/…`) runs the same checks in its handlers' wrapper (src/fuse/http/handler.ts).
 * `missing`: a request the Node server's hook has already handled carries the page-policy mark.
 */
export const config = {
  matcher: [
    {
      source: '/((?!_next/static|_next/image|favicon.ico|icon.svg|api/).*)',
      // PAGE_POLICY_HEADER, written out: Next reads the matcher from the source without running it.
      missing: [{ type: 'header', key: 'x-fuse-page-policy' }],
    },
  ],
};
