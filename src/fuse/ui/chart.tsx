import { cn } from './cn';

/**
 * Charts drawn on the server with the page: no chart library and no client JavaScript. Colours are
 * the theme's tokens (--chart-1…5, --chart-grid), so they hold in light and dark.
 */
const SERIES = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];

/**
 * Up to five round steps from 0 to at least `max` (0, 25, 50, 75, 100). `wholeNumbers`: the values
 * are counts, so a step is never a fraction (a count of 2 gets 0, 1, 2, not 0, 0.5, … 2).
 */
export function niceTicks(max: number, count = 4, wholeNumbers = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const steps = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).filter((s) => !wholeNumbers || (s >= 1 && Number.isInteger(s)));
  const step = steps.find((s) => s >= raw) ?? (wholeNumbers ? Math.max(1, Math.ceil(raw)) : raw);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks.length > count + 2 ? ticks.slice(0, count + 2) : ticks;
}

export type BarDatum = { label: string; value: number; key?: string };

/**
 * Vertical bars with a value axis (gridlines and labels) and a category axis. Built from boxes, not
 * an SVG scaled to the width, so its text stays readable at 375 px. `format` writes a value for the
 * axis; `formatValue` (default: `format`) writes a bar's exact value for its tooltip and for
 * screen readers, which read `name` with every value. `counts`: the values are whole numbers, and so
 * is every axis step.
 */
export function BarChart({
  data,
  name,
  format = (v) => v.toLocaleString('en-US'),
  formatValue = format,
  height = 180,
  color = 1,
  counts = false,
  className,
}: {
  data: BarDatum[];
  name: string;
  format?: (value: number) => string;
  formatValue?: (value: number) => string;
  height?: number;
  color?: 1 | 2 | 3 | 4 | 5;
  counts?: boolean;
  className?: string;
}) {
  const ticks = niceTicks(Math.max(0, ...data.map((d) => d.value)), 4, counts);
  const top = ticks[ticks.length - 1]!;
  const summary = `${name}: ${data.map((d) => `${d.label} ${formatValue(d.value)}`).join(', ')}`;
  return (
    <figure className={cn('m-0 min-w-0', className)}>
      <div className="flex gap-2" role="img" aria-label={summary}>
        <div className="relative w-12 shrink-0 text-right text-[11px] text-muted-foreground tabular-nums" style={{ height }} aria-hidden>
          {ticks.map((t) => (
            <span key={t} className="absolute right-0 -translate-y-1/2 whitespace-nowrap" style={{ top: `${100 - (t / top) * 100}%` }}>
              {format(t)}
            </span>
          ))}
        </div>
        <div className="min-w-0 flex-1">
          <div className="relative border-b border-l border-chart-grid" style={{ height }} aria-hidden>
            {ticks.slice(1).map((t) => (
              <div key={t} className="absolute inset-x-0 border-t border-dashed border-chart-grid" style={{ top: `${100 - (t / top) * 100}%` }} />
            ))}
            <div className="absolute inset-0 flex items-end gap-1 px-1 sm:gap-2 sm:px-2">
              {data.map((d) => (
                <div
                  key={d.key ?? d.label}
                  data-bar={d.key ?? d.label}
                  data-value={d.value}
                  title={`${d.label}: ${formatValue(d.value)}`}
                  className="min-w-0 flex-1 rounded-t-sm"
                  style={{ height: `${(d.value / top) * 100}%`, minHeight: d.value > 0 ? 2 : 0, background: SERIES[color - 1] }}
                />
              ))}
            </div>
          </div>
          <div className="mt-1 flex gap-1 px-1 text-[11px] text-muted-foreground sm:gap-2 sm:px-2" aria-hidden>
            {data.map((d, i) => (
              // Many bars on a phone: every other label, so each one fits.
              <span
                key={d.key ?? d.label}
                className={cn('min-w-0 flex-1 overflow-visible text-center whitespace-nowrap', data.length > 8 && i % 2 === 1 && 'max-sm:invisible')}
              >
                {d.label}
              </span>
            ))}
          </div>
        </div>
      </div>
    </figure>
  );
}

export type Line = { label: string; points: { x: string; y: number }[] };

/** Lines over shared x values (days), with a value axis and a legend. `counts`: whole-number axis steps. */
export function LineChart({
  lines,
  name,
  format,
  height = 180,
  counts = false,
}: {
  lines: Line[];
  name: string;
  format: (v: number) => string;
  height?: number;
  counts?: boolean;
}) {
  const width = 640;
  const pad = { top: 10, bottom: 22, left: 56, right: 10 };
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => p.x)))].sort();
  const ticks = niceTicks(Math.max(Number.EPSILON, ...lines.flatMap((l) => l.points.map((p) => p.y))), 4, counts);
  const top = ticks[ticks.length - 1]!;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const xOf = (x: string) => pad.left + (xs.length <= 1 ? innerW / 2 : (xs.indexOf(x) / (xs.length - 1)) * innerW);
  const yOf = (y: number) => pad.top + innerH - (y / top) * innerH;
  return (
    <figure className="m-0 min-w-0">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={name} className="h-auto w-full text-muted-foreground">
        {ticks.map((t) => (
          <g key={t}>
            <line
              x1={pad.left}
              x2={width - pad.right}
              y1={yOf(t)}
              y2={yOf(t)}
              stroke="var(--chart-grid)"
              strokeDasharray={t === 0 ? undefined : '3 3'}
            />
            <text x={pad.left - 6} y={yOf(t) + 4} fontSize={12} textAnchor="end" fill="currentColor">
              {format(t)}
            </text>
          </g>
        ))}
        {xs.length > 0 ? (
          <>
            <text x={pad.left} y={height - 4} fontSize={12} fill="currentColor">
              {xs[0]}
            </text>
            <text x={width - pad.right} y={height - 4} fontSize={12} textAnchor="end" fill="currentColor">
              {xs[xs.length - 1]}
            </text>
          </>
        ) : null}
        {lines.map((l, i) => {
          const color = SERIES[i % SERIES.length];
          const d = l.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`).join(' ');
          return (
            <g key={l.label}>
              <path d={d} fill="none" stroke={color} strokeWidth={2} />
              {l.points.map((p) => (
                <circle key={p.x} cx={xOf(p.x)} cy={yOf(p.y)} r={3} fill={color}>
                  <title>{`${l.label} ${p.x}: ${format(p.y)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
        {lines.map((l, i) => (
          <span key={l.label} className="inline-flex items-center gap-1.5">
            <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: SERIES[i % SERIES.length] }} /> {l.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
