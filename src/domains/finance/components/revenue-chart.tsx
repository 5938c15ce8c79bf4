import { formatMoney } from '../money';

/** Twelve months of paid revenue as bars: plain SVG, rendered on the server with the page. */
export function RevenueChart({ series, currency }: { series: { month: string; cents: number }[]; currency: string }) {
  const max = Math.max(1, ...series.map((s) => s.cents));
  const width = 600;
  const height = 160;
  const bar = width / Math.max(1, series.length);
  return (
    <figure className="revenue-chart">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={`Revenue by month in ${currency}`}>
        {series.map((s, i) => {
          const h = Math.round((s.cents / max) * height);
          return (
            <g key={s.month}>
              <rect x={i * bar + 4} y={height - h} width={bar - 8} height={h} className="bar">
                <title>{`${s.month}: ${formatMoney(s.cents, currency)}`}</title>
              </rect>
              <text x={i * bar + bar / 2} y={height + 14} textAnchor="middle" className="axis">
                {s.month.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
