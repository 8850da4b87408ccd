import type { StatusCounts } from '@twostep/shared';
import { count } from './labels.ts';

export type Bar = StatusCounts & { label: string; key: string };

const rowHeight = 26;
const labelWidth = 130;
const width = 460;

/**
 * Stacked horizontal bars (on, pending, off), drawn as SVG by hand: no chart library. Each bar is a button that
 * filters the findings; the numbers are in its accessible name too.
 */
export function BarChart({ title, bars, onPick }: { title: string; bars: Bar[]; onPick: (bar: Bar) => void }) {
  const most = Math.max(1, ...bars.map((bar) => bar.accounts));
  const scale = (n: number) => (n / most) * (width - labelWidth - 60);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg width="100%" viewBox={`0 0 ${width} ${Math.max(1, bars.length) * rowHeight}`}>
        <title>{title}</title>
        {bars.map((bar, i) => {
          const y = i * rowHeight;
          const [on, pending, off] = [scale(bar.on), scale(bar.pending), scale(bar.off)];
          const name = `${bar.label}: ${count(bar.on)} on, ${count(bar.pending)} pending, ${count(bar.off)} off. Show its findings`;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it acts as one.
            <g
              key={bar.key}
              class="bar"
              role="button"
              tabIndex={0}
              aria-label={name}
              data-bar={bar.key}
              onClick={() => onPick(bar)}
              onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && onPick(bar)}
            >
              <title>{name}</title>
              <rect x="0" y={y} width={width} height={rowHeight} class="bar-hit" />
              <text x={labelWidth - 8} y={y + 17} text-anchor="end" class="bar-label">
                {bar.label.length > 18 ? `${bar.label.slice(0, 17)}…` : bar.label}
              </text>
              <rect x={labelWidth} y={y + 5} width={on} height={16} class="seg-on" />
              <rect x={labelWidth + on} y={y + 5} width={pending} height={16} class="seg-pending" />
              <rect x={labelWidth + on + pending} y={y + 5} width={off} height={16} class="seg-off" />
              <text x={labelWidth + on + pending + off + 6} y={y + 17} class="bar-count">
                {count(bar.accounts)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
