import { BarChart } from '@/fuse/ui/chart';
import { formatMoney } from '../money';

const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' });

/** Compact money for the axis (12k), whole units. */
function axisMoney(cents: number, currency: string): string {
  const units = cents / 100;
  const short =
    units >= 1_000_000 ? `${+(units / 1_000_000).toFixed(1)}M` : units >= 1_000 ? `${+(units / 1_000).toFixed(1)}k` : `${Math.round(units)}`;
  return currency === 'USD' ? `$${short}` : currency === 'EUR' ? `€${short}` : currency === 'GBP' ? `£${short}` : short;
}

/** Twelve months of paid revenue as bars, with a money axis: drawn on the server with the page. */
export function RevenueChart({ series, currency }: { series: { month: string; cents: number }[]; currency: string }) {
  return (
    <div className="revenue-chart">
      <BarChart
        name={`Revenue by month in ${currency}`}
        data={series.map((s) => ({ key: s.month, label: MONTH.format(new Date(`${s.month}-01T00:00:00Z`)), value: s.cents }))}
        format={(v) => axisMoney(v, currency)}
        formatValue={(v) => formatMoney(v, currency)}
        color={1}
      />
    </div>
  );
}
