'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ComponentType,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { bindPreloadCache, preloadedAge, preloadSlice, PRELOAD_REFRESH_AFTER_MS, readPreloaded, reportPreloadUse } from './preload-cache';
import type { SessionView } from './slices';

/** A page the sidebar offers and the one GET that returns its slice. */
export type PreloadTarget = { key: string; href: string; url: string };

/** Renders a page's view from its preloaded slice while the server render of that page is on its way. */
export type PreviewComponent = ComponentType<{ data: unknown; session: SessionView }>;

/**
 * Loads a page's preview component (a dynamic `import()`): preview code is fetched when the browser
 * is idle, with the slices, so no page's first load carries (and evaluates) the other pages' views.
 */
export type PreviewLoader = () => Promise<PreviewComponent>;

/** A page instant navigation can show at once: its slice's GET and its preview's loader. */
export type InstantTarget = PreloadTarget & { preview: PreviewLoader };

// Browser-wide, like the preload cache: the idle preloader loads each page's preview code, a click
// shows a page only once both its code and its slice are here.
const loadedPreviews = new Map<string, PreviewComponent>();
const loadingPreviews = new Map<string, Promise<boolean>>();

function loadPreview({ key, preview }: InstantTarget): Promise<boolean> {
  if (loadedPreviews.has(key)) return Promise.resolve(true);
  let loading = loadingPreviews.get(key);
  if (!loading) {
    loading = preview().then(
      (component) => {
        loadedPreviews.set(key, component);
        return true;
      },
      () => {
        loadingPreviews.delete(key); // a failed chunk load is tried again on the next refresh
        return false;
      },
    );
    loadingPreviews.set(key, loading);
  }
  return loading;
}

type Pending = { key: string; href: string; from: string };
type Context = {
  begin: (href: string) => void;
  pending: Pending | null;
  session: SessionView;
  targets: InstantTarget[];
};

const InstantContext = createContext<Context | null>(null);

function whenIdle(run: () => void): () => void {
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(run, { timeout: 3_000 });
    return () => window.cancelIdleCallback(id);
  }
  const id = setTimeout(run, 200);
  return () => clearTimeout(id);
}

function targetFor(targets: InstantTarget[], pathname: string): InstantTarget | undefined {
  return targets.find((t) => pathname === t.href || pathname.startsWith(`${t.href}/`));
}

/**
 * Preloads, when the browser is idle after a render, the slices of the other pages in `targets`
 * (one GET each), keeps them fresh on window focus, and lets sidebar links show a preloaded page
 * the moment they are clicked.
 */
export function InstantNavigation({ targets, session, children }: { targets: InstantTarget[]; session: SessionView; children: ReactNode }) {
  const pathname = usePathname();
  const [pending, setPending] = useState<Pending | null>(null);
  const sessionKey = `${session.userId}:${session.businessId}:${session.rank}`;

  useEffect(() => {
    bindPreloadCache(sessionKey);
  }, [sessionKey]);

  useEffect(() => {
    let current = true; // false once the page, the targets or the session changed
    const refresh = (olderThan: number) => {
      for (const t of targets) {
        if (targetFor([t], pathname)) continue; // the page on screen has its own, fresher data
        // The view's code first (once per page load), then the slice: a preloaded slice means both
        // are here. Code that failed to load is tried again on the next refresh, with its slice.
        if (preloadedAge(t.key) > olderThan || !loadedPreviews.has(t.key)) {
          void loadPreview(t).then((loaded) => (loaded && current ? preloadSlice(t.key, t.url) : false));
        }
      }
    };
    const cancel = whenIdle(() => refresh(PRELOAD_REFRESH_AFTER_MS));
    const onFocus = () => refresh(PRELOAD_REFRESH_AFTER_MS);
    window.addEventListener('focus', onFocus);
    return () => {
      current = false;
      cancel();
      window.removeEventListener('focus', onFocus);
    };
  }, [targets, pathname, sessionKey]);

  // The navigation landed (here or elsewhere): the server-rendered page replaces the preview.
  // (State adjusted while rendering, as React recommends over an effect.)
  const [shownPath, setShownPath] = useState(pathname);
  if (shownPath !== pathname) {
    setShownPath(pathname);
    setPending(null);
  }

  const begin = useCallback(
    (href: string) => {
      const target = targetFor(targets, href);
      if (!target || href === pathname) return;
      const hit = readPreloaded(target.key) !== null && loadedPreviews.has(target.key);
      reportPreloadUse(href, hit);
      setPending(hit ? { key: target.key, href, from: pathname } : null);
    },
    [targets, pathname],
  );

  const value = useMemo(() => ({ begin, pending, session, targets }), [begin, pending, session, targets]);
  return <InstantContext.Provider value={value}>{children}</InstantContext.Provider>;
}

/** A sidebar link: a normal Next link that also shows the preloaded page at once. */
export function InstantLink({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  const ctx = useContext(InstantContext);
  const pathname = usePathname();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    ctx?.begin(href);
  };
  const current = pathname === href || (href !== '/dashboard' && pathname.startsWith(`${href}/`));
  return (
    <Link href={href} onClick={onClick} className={className} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** Where the page goes: the page itself, or, between a click and the server's answer, its preview. */
export function InstantOutlet({ children }: { children: ReactNode }) {
  const ctx = useContext(InstantContext);
  const pathname = usePathname();
  const pending = ctx?.pending;
  if (pending && pending.from === pathname) {
    const Preview = loadedPreviews.get(pending.key);
    const data = readPreloaded(pending.key);
    if (Preview && data) {
      return (
        <div data-instant-preview={pending.key}>
          {/* createElement: the component comes from the loaded-previews map (one per page, loaded once), not made here. */}
          {createElement(Preview, { data, session: ctx.session })}
        </div>
      );
    }
  }
  return <>{children}</>;
}
