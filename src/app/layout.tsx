import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Observability } from '@/fuse/observability/components/observability';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'FUSE', template: '%s · FUSE' },
  description: 'Multi-tenant business apps with zero loading states.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
        <Observability />
      </body>
    </html>
  );
}
