import Link from 'next/link';

/** Public and prerendered: regenerated at most hourly; its CSP allows its inline scripts by hash (docs/security.md). */
export const revalidate = 3600;

export default function HomePage() {
  return (
    <main className="hero">
      <h1>FUSE</h1>
      <p>
        Multi-tenant business apps that never show a loading state: the first HTML already holds your data, and every open page stays current as it
        changes.
      </p>
      <p>
        <Link href="/sign-up">Create a business</Link> · <Link href="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
