import { UserPlus } from 'lucide-react';
import Link from 'next/link';
import { Button } from '@/fuse/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle, StatCard } from '@/fuse/ui/card';
import { BarChart } from '@/fuse/ui/chart';
import { EmptyState } from '@/fuse/ui/empty-state';
import { PageHeader } from '@/fuse/ui/page-header';
import { CLIENT_STATUSES } from '../statuses';
import type { ClientSummary } from '../queries';

const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' });
const monthLabel = (ym: string) => MONTH.format(new Date(`${ym}-01T00:00:00Z`));

/** The overview: clients by status (tiles and a chart) and clients added per month. */
export function ClientSummaryCards({
  summary,
  businessName,
  byMonth,
}: {
  summary: ClientSummary;
  businessName: string;
  byMonth: { month: string; count: number }[];
}) {
  return (
    <section>
      <PageHeader title={businessName} description="How your client base stands today." />
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-5" aria-label="Clients by status" role="group">
        <StatCard label="All clients" value={summary.total} data-status="total" />
        {CLIENT_STATUSES.map((s) => (
          <StatCard key={s} label={s[0]!.toUpperCase() + s.slice(1)} value={summary[s]} data-status={s} />
        ))}
      </div>
      {summary.total === 0 ? (
        <Card className="mt-6">
          <EmptyState
            icon={UserPlus}
            title="No clients yet"
            description="Add your first client and this page fills with how your business is doing."
            action={
              <Button asChild>
                <Link href="/dashboard/clients">Add a client</Link>
              </Button>
            }
          />
        </Card>
      ) : (
        <div className="mt-6 grid gap-4 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Clients by status</CardTitle>
              <CardDescription>Every client, by where they stand.</CardDescription>
            </CardHeader>
            <CardContent>
              <BarChart name="Clients by status" data={CLIENT_STATUSES.map((s) => ({ label: s, key: s, value: summary[s] }))} color={1} counts />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>New clients per month</CardTitle>
              <CardDescription>Clients added, last six months.</CardDescription>
            </CardHeader>
            <CardContent>
              <BarChart
                name="New clients per month"
                counts
                data={byMonth.map((m) => ({ label: monthLabel(m.month), key: m.month, value: m.count }))}
                color={2}
              />
            </CardContent>
          </Card>
        </div>
      )}
    </section>
  );
}
