import { ArrowRight, Radio, ShieldCheck, Zap } from 'lucide-react';
import Link from 'next/link';
import { Brand } from '@/fuse/ui/brand';
import { Button } from '@/fuse/ui/button';

/** Public and prerendered: regenerated at most hourly; its CSP allows its inline scripts by hash (docs/security.md). */
export const revalidate = 3600;

const POINTS = [
  { icon: Zap, title: 'No loading states', text: 'The first HTML already holds your data; sidebar pages open from a preloaded copy.' },
  { icon: Radio, title: 'Always current', text: 'Every open page updates as your team changes things, with no refresh.' },
  { icon: ShieldCheck, title: 'Safe by default', text: 'Every read and write is checked for business and rank in the data layer.' },
];

export default function HomePage() {
  return (
    <div className="min-h-dvh">
      <header className="mx-auto flex max-w-5xl items-center justify-between px-4 py-5">
        <Brand />
        <Link href="/sign-in" className="text-sm font-medium">
          Sign in
        </Link>
      </header>
      <main className="mx-auto max-w-5xl px-4 pt-12 pb-20 sm:pt-20">
        <h1 className="max-w-2xl text-4xl font-semibold tracking-tight sm:text-5xl">Business apps that never make you wait.</h1>
        <p className="mt-4 max-w-2xl text-lg text-muted-foreground">
          Multi-tenant business apps that never show a loading state: the first HTML already holds your data, and every open page stays current as it
          changes.
        </p>
        <div className="mt-8 flex flex-wrap gap-3">
          <Button asChild>
            <Link href="/sign-up">
              Create a business <ArrowRight aria-hidden />
            </Link>
          </Button>
          <Button asChild variant="outline">
            <Link href="/sign-in">Sign in</Link>
          </Button>
        </div>
        <ul className="mt-16 grid gap-4 sm:grid-cols-3">
          {POINTS.map(({ icon: Icon, title, text }) => (
            <li key={title} className="rounded-xl border border-border bg-card p-5">
              <Icon aria-hidden className="size-5 text-primary" />
              <h2 className="mt-3 text-base">{title}</h2>
              <p className="mt-1 text-sm text-muted-foreground">{text}</p>
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
