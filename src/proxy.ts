import { NextResponse, type NextRequest } from 'next/server';
import { readSessionCookie } from '@/fuse/session/cookie';
import { verificationSecrets } from '@/fuse/session/secrets';
import { verifySessionToken } from '@/fuse/session/token';

/**
 * The first step of every request. It verifies the session cookie without a database read and
 * redirects signed-out visitors away from the dashboard. It is a convenience, never the only gate:
 * every data access verifies the session again.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const session = await verifySessionToken(readSessionCookie(request.cookies), verificationSecrets());

  if (!session && (pathname === '/dashboard' || pathname.startsWith('/dashboard/'))) {
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('next', pathname + search);
    return NextResponse.redirect(signIn);
  }
  if (session && (pathname === '/sign-in' || pathname === '/sign-up')) {
    return NextResponse.redirect(new URL('/dashboard', request.url));
  }
  return NextResponse.next();
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
