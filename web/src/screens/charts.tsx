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
}) {
  const totals = props.rows.map((row) => row.values.reduce((sum, value) => sum + value, 0));
  const max = Math.max(1, ...totals);
  const rowHeight = 30;
  const labelWidth = 150;
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
                {row.label}
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
