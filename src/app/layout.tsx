import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Observability } from '@/fuse/observability/components/observability';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'FUSE', template: '%s · FUSE' },
  description: 'Multi-tenant business apps with zero loading states.',
};

/** The element that ends a page's content in the HTML: the first paint waits for it (below). */
const CONTENT_END = 'fuse-content-end';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        {/* Chromium holds the first paint until the page's content is parsed, so a layout is never
            drawn from half a document and then moved (CLS 0): a browser that does not know this
            link ignores it. `blocking` is spread in: React's types do not list it yet. */}
        <link rel="expect" href={`#${CONTENT_END}`} {...{ blocking: 'render' }} />
      </head>
      <body>
        {children}
        <div id={CONTENT_END} hidden />
        <Observability />
      </body>
    </html>
  );
}
