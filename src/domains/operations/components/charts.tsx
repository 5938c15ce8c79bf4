/**
 * Charts drawn on the server as SVG: they arrive in the first HTML and need no chart library or
 * client JavaScript.
 */
const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export function BarChart({ data, label, height = 160 }: { data: { label: string; value: number }[]; label: string; height?: number }) {
  const width = 640;
  const pad = { top: 16, bottom: 28, left: 8, right: 8 };
  const max = Math.max(1, ...data.map((d) => d.value));
  const slot = (width - pad.left - pad.right) / Math.max(1, data.length);
  const barWidth = Math.max(4, slot * 0.7);
  const inner = height - pad.top - pad.bottom;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} style={{ width: '100%', maxWidth: width, height: 'auto' }}>
      {data.map((d, i) => {
        const h = (d.value / max) * inner;
        const x = pad.left + i * slot + (slot - barWidth) / 2;
        const y = pad.top + inner - h;
        return (
          <g key={d.label} data-bar={d.label} data-value={d.value}>
            <rect x={x} y={y} width={barWidth} height={Math.max(h, d.value > 0 ? 1 : 0)} fill={PALETTE[0]} rx={2}>
              <title>{`${d.label}: ${d.value}`}</title>
            </rect>
            <text x={x + barWidth / 2} y={y - 3} fontSize={10} textAnchor="middle" fill="currentColor">
              {d.value}
            </text>
            <text x={x + barWidth / 2} y={height - 10} fontSize={10} textAnchor="middle" fill="currentColor" opacity={0.7}>
              {d.label.slice(2)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export type Line = { label: string; points: { x: string; y: number }[] };

export function LineChart({ lines, label, unit, height = 160 }: { lines: Line[]; label: string; unit: string; height?: number }) {
  const width = 640;
  const pad = { top: 12, bottom: 24, left: 48, right: 8 };
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => p.x)))].sort();
  const max = Math.max(Number.EPSILON, ...lines.flatMap((l) => l.points.map((p) => p.y)));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const xOf = (x: string) => pad.left + (xs.length <= 1 ? innerW / 2 : (xs.indexOf(x) / (xs.length - 1)) * innerW);
  const yOf = (y: number) => pad.top + innerH - (y / max) * innerH;
  const fmt = (v: number) => (unit === '' ? v.toFixed(3) : `${Math.round(v)}${unit}`);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} style={{ width: '100%', maxWidth: width, height: 'auto' }}>
        <line x1={pad.left} x2={width - pad.right} y1={pad.top + innerH} y2={pad.top + innerH} stroke="currentColor" opacity={0.3} />
        <text x={pad.left - 4} y={pad.top + 8} fontSize={10} textAnchor="end" fill="currentColor" opacity={0.7}>
          {fmt(max)}
        </text>
        <text x={pad.left - 4} y={pad.top + innerH} fontSize={10} textAnchor="end" fill="currentColor" opacity={0.7}>
          0
        </text>
        {xs.length > 0 && (
          <>
            <text x={pad.left} y={height - 6} fontSize={10} fill="currentColor" opacity={0.7}>
              {xs[0]}
            </text>
            <text x={width - pad.right} y={height - 6} fontSize={10} textAnchor="end" fill="currentColor" opacity={0.7}>
              {xs[xs.length - 1]}
            </text>
          </>
        )}
        {lines.map((l, i) => {
          const color = PALETTE[i % PALETTE.length];
          const d = l.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`).join(' ');
          return (
            <g key={l.label}>
              <path d={d} fill="none" stroke={color} strokeWidth={2} />
              {l.points.map((p) => (
                <circle key={p.x} cx={xOf(p.x)} cy={yOf(p.y)} r={2.5} fill={color}>
                  <title>{`${l.label} ${p.x}: ${fmt(p.y)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem', fontSize: 12 }}>
        {lines.map((l, i) => (
          <span key={l.label}>
            <span style={{ color: PALETTE[i % PALETTE.length] }}>■</span> {l.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
