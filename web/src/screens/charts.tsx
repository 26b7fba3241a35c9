/**
 * Small charts drawn as inline SVG — no chart library. Each one carries its figures as text too
 * (a legend or the labels), so a screen reader and a test read the same numbers a person sees.
 * Geometry may use fractions; the figures shown come formatted from integers.
 */
import { punct } from '../i18n.ts';

export interface Segment {
  key: string;
  label: string;
  value: number;
  /** Shown in the legend (¥1,234.56, 3 件). */
  display: string;
  color: string;
}

const WIDTH = 640;

/** One horizontal bar split into segments, with a legend of exact figures. */
export function StackedBar(props: { title: string; segments: Segment[]; testId?: string }) {
  const total = props.segments.reduce((sum, segment) => sum + Math.max(0, segment.value), 0);
  let x = 0;
  return (
    <figure class="chart" data-testid={props.testId}>
      <svg
        viewBox={`0 0 ${WIDTH} 36`}
        width="100%"
        height="36"
        role="img"
        aria-label={`${props.title}${punct().colon}${props.segments.map((segment) => `${segment.label} ${segment.display}`).join(punct().comma)}`}
        preserveAspectRatio="none"
      >
        <rect x="0" y="4" width={WIDTH} height="28" rx="4" fill="#eef0f3" />
        {props.segments.map((segment) => {
          const width = total > 0 ? (Math.max(0, segment.value) / total) * WIDTH : 0;
          const rect = <rect key={segment.key} x={x} y="4" width={width} height="28" fill={segment.color} />;
          x += width;
          return rect;
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {props.segments.map((segment) => (
            <li key={segment.key} data-testid={props.testId ? `${props.testId}-${segment.key}` : undefined}>
              <span class="swatch" style={{ background: segment.color }} aria-hidden="true" />
              {segment.label}
              {punct().colon}
              <strong>{segment.display}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export interface BarRow {
  key: string;
  label: string;
  value: number;
  display: string;
}

/** Horizontal bars, one per row, labelled with the row's name and its figure. */
export function BarChart(props: { title: string; rows: BarRow[]; testId?: string; color?: string }) {
  const max = Math.max(1, ...props.rows.map((row) => row.value));
  const rowHeight = 30;
  const labelWidth = 220;
  const barSpace = WIDTH - labelWidth - 150;
  const height = Math.max(1, props.rows.length) * rowHeight + 8;
  return (
    <figure class="chart" data-testid={props.testId}>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`${props.title}${punct().colon}${props.rows.map((row) => `${row.label} ${row.display}`).join(punct().comma)}`}
      >
        {props.rows.map((row, index) => {
          const y = 4 + index * rowHeight;
          const width = (Math.max(0, row.value) / max) * barSpace;
          return (
            <g key={row.key}>
              <text x={labelWidth - 8} y={y + 19} text-anchor="end" font-size="13" fill="#1f2933">
                {row.label.length > 16 ? `${row.label.slice(0, 15)}…` : row.label}
              </text>
              <rect
                x={labelWidth}
                y={y + 4}
                width={Math.max(width, 1)}
                height={rowHeight - 10}
                rx="3"
                fill={props.color ?? '#a3231a'}
              />
              <text x={labelWidth + Math.max(width, 1) + 6} y={y + 19} font-size="13" fill="#1f2933">
                {row.display}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export interface StackedRow {
  key: string;
  label: string;
  /** One value per series, in the order of `series`. */
  values: number[];
}

/** Horizontal stacked bars (cases per stage, split by age), with a legend and each row's total. */
export function StackedBars(props: {
  title: string;
  series: { key: string; label: string; color: string }[];
  rows: StackedRow[];
  testId?: string;
  /** Room for the row names (occupation · level needs more than a stage). */
  labelWidth?: number;
}) {
  const totals = props.rows.map((row) => row.values.reduce((sum, value) => sum + value, 0));
  const max = Math.max(1, ...totals);
  const rowHeight = 30;
  const labelWidth = props.labelWidth ?? 150;
  const maxChars = Math.floor(labelWidth / 14);
  const barSpace = WIDTH - labelWidth - 60;
  const height = Math.max(1, props.rows.length) * rowHeight + 8;
  return (
    <figure class="chart" data-testid={props.testId}>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`${props.title}${punct().colon}${props.rows
          .map(
            (row, index) =>
              `${row.label} ${totals[index]}${punct().open}${row.values
                .map((value, i) => (value ? `${props.series[i]!.label} ${value}` : ''))
                .filter(Boolean)
                .join(punct().comma)}${punct().close}`,
          )
          .join(punct().semi)}`}
      >
        {props.rows.map((row, index) => {
          const y = 4 + index * rowHeight;
          let x = labelWidth;
          return (
            <g key={row.key} data-row={row.key}>
              <text x={labelWidth - 8} y={y + 19} text-anchor="end" font-size="13" fill="#1f2933">
                {row.label.length > maxChars ? `${row.label.slice(0, maxChars - 1)}…` : row.label}
              </text>
              {row.values.map((value, i) => {
                const width = (value / max) * barSpace;
                const rect = (
                  <rect
                    key={props.series[i]!.key}
                    x={x}
                    y={y + 4}
                    width={width}
                    height={rowHeight - 10}
                    fill={props.series[i]!.color}
                  >
                    <title>{`${row.label} · ${props.series[i]!.label}: ${value}`}</title>
                  </rect>
                );
                x += width;
                return rect;
              })}
              <text x={x + 6} y={y + 19} font-size="13" fill="#1f2933">
                {totals[index]}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {props.series.map((series) => (
            <li key={series.key}>
              <span class="swatch" style={{ background: series.color }} aria-hidden="true" />
              {series.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/** A round number at or above `value` (1, 2 or 5 times a power of ten), the top of an axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export interface Column {
  key: string;
  /** Under the column (3月 / Mar). */
  label: string;
  /** Its full name for the figure's description (2027年3月). */
  name: string;
  /** One value per series, in the order of `series`. */
  values: number[];
}

/**
 * Vertical columns, one per month, each stacked by series (advance, interim, final), on an axis
 * with three marks. The exact figures are in the table beside it; each segment names its own.
 */
export function ColumnChart(props: {
  title: string;
  series: { key: string; label: string; color: string }[];
  columns: Column[];
  /** How a value is written (¥1,234.56, 3 人). */
  format: (value: number) => string;
  testId?: string;
}) {
  const height = 220;
  const left = 96;
  const top = 10;
  const bottom = 26;
  const plot = height - top - bottom;
  const totals = props.columns.map((column) =>
    column.values.reduce((sum, value) => sum + Math.max(0, value), 0),
  );
  const ceiling = niceCeiling(Math.max(0, ...totals));
  const slot = (WIDTH - left - 8) / Math.max(1, props.columns.length);
  const barWidth = Math.max(4, Math.min(36, slot * 0.7));
  const p = punct();
  return (
    <figure class="chart" data-testid={props.testId}>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`${props.title}${p.colon}${props.columns
          .map((column, index) => `${column.name} ${props.format(totals[index] ?? 0)}`)
          .join(p.comma)}`}
      >
        {[0, 0.5, 1].map((share) => {
          const y = top + plot - share * plot;
          return (
            <g key={share}>
              <line x1={left} x2={WIDTH - 4} y1={y} y2={y} stroke="#d5dae1" stroke-width="1" />
              <text x={left - 6} y={y + 4} text-anchor="end" font-size="11" fill="#52606d">
                {props.format(Math.round(ceiling * share))}
              </text>
            </g>
          );
        })}
        {props.columns.map((column, index) => {
          const x = left + index * slot + (slot - barWidth) / 2;
          let y = top + plot;
          return (
            <g key={column.key} data-column={column.key}>
              {column.values.map((value, i) => {
                const h = (Math.max(0, value) / ceiling) * plot;
                y -= h;
                const series = props.series[i]!;
                return (
                  <rect key={series.key} x={x} y={y} width={barWidth} height={h} fill={series.color}>
                    <title>{`${column.name} · ${series.label}${p.colon}${props.format(value)}`}</title>
                  </rect>
                );
              })}
              <text x={x + barWidth / 2} y={height - 8} text-anchor="middle" font-size="11" fill="#1f2933">
                {column.label}
              </text>
            </g>
          );
        })}
      </svg>
      {props.series.length > 1 ? (
        <figcaption>
          <ul class="legend">
            {props.series.map((series) => (
              <li key={series.key}>
                <span class="swatch" style={{ background: series.color }} aria-hidden="true" />
                {series.label}
              </li>
            ))}
          </ul>
        </figcaption>
      ) : null}
    </figure>
  );
}

export interface PairSeries {
  key: string;
  label: string;
  color: string;
}

export interface PairRow {
  key: string;
  label: string;
  /** One value per series; null is "no figure" (no bar, a dash). */
  values: [number | null, number | null];
  displays: [string, string];
}

/**
 * Two bars per row (median and 90th percentile of a stage; apprentices in training beside the
 * demand ratio of an occupation), each with its figure. `sharedScale`: both series in one unit on
 * one scale; otherwise each is scaled to its own largest value, as the legend says.
 */
export function PairedBars(props: {
  title: string;
  series: [PairSeries, PairSeries];
  rows: PairRow[];
  sharedScale: boolean;
  /** Said under the legend when the scales differ. */
  scaleNote?: string;
  testId?: string;
}) {
  const rowHeight = 46;
  const labelWidth = 200;
  const barSpace = WIDTH - labelWidth - 110;
  const maxChars = Math.floor(labelWidth / 14);
  const own = [0, 1].map((i) => Math.max(0, ...props.rows.map((row) => row.values[i] ?? 0)));
  const maxOf = (i: number) => Math.max(Number.MIN_VALUE, props.sharedScale ? Math.max(...own) : own[i]!);
  const height = Math.max(1, props.rows.length) * rowHeight + 8;
  const p = punct();
  return (
    <figure class="chart" data-testid={props.testId}>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`${props.title}${p.colon}${props.rows
          .map(
            (row) =>
              `${row.label}${p.open}${props.series[0].label} ${row.displays[0]}${p.comma}${props.series[1].label} ${row.displays[1]}${p.close}`,
          )
          .join(p.semi)}`}
      >
        {props.rows.map((row, index) => {
          const y = 4 + index * rowHeight;
          return (
            <g key={row.key} data-row={row.key}>
              <text x={labelWidth - 8} y={y + 26} text-anchor="end" font-size="13" fill="#1f2933">
                {row.label.length > maxChars ? `${row.label.slice(0, maxChars - 1)}…` : row.label}
                <title>{row.label}</title>
              </text>
              {props.series.map((series, i) => {
                const value = row.values[i as 0 | 1];
                const width = value === null ? 0 : Math.max(1, (Math.max(0, value) / maxOf(i)) * barSpace);
                const barY = y + 4 + i * 19;
                return (
                  <g key={series.key}>
                    <rect x={labelWidth} y={barY} width={width} height={16} rx="2" fill={series.color} />
                    <text x={labelWidth + width + 6} y={barY + 13} font-size="12" fill="#1f2933">
                      {row.displays[i as 0 | 1]}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {props.series.map((series) => (
            <li key={series.key}>
              <span class="swatch" style={{ background: series.color }} aria-hidden="true" />
              {series.label}
            </li>
          ))}
        </ul>
        {props.scaleNote ? <p class="hint">{props.scaleNote}</p> : null}
      </figcaption>
    </figure>
  );
}
