/** One configuration's line: throughput and p99 latency at each x (concurrency, or workers). */
export interface ChartSeries {
  label: string;
  points: { x: number; itemsPerSecond: number; p99Ms: number }[];
}

/** One workload: a row of two plots (throughput, p99) against x; limits are dashed lines. */
export interface ChartRow {
  title: string;
  xLabel: string;
  series: ChartSeries[];
  limits: { label: string; itemsPerSecond: number }[];
}

const PLOT = { width: 440, height: 240, left: 64, top: 36, right: 16, bottom: 40 };
const ROW_HEIGHT = PLOT.top + PLOT.height + PLOT.bottom + 56;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2'];

/** A standalone SVG: one row per workload, throughput on the left and p99 on the right. */
export function renderChart(rows: readonly ChartRow[]): string {
  const width = 2 * (PLOT.left + PLOT.width + PLOT.right);
  const height = rows.length * ROW_HEIGHT;
  const body = rows.map((row, index) => renderRow(row, index * ROW_HEIGHT)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${body}
</svg>
`;
}

function renderRow(row: ChartRow, top: number): string {
  const xs = [...new Set(row.series.flatMap((series) => series.points.map((point) => point.x)))].sort((a, b) => a - b);
  const throughputPlot = renderPlot({
    title: `${row.title}: throughput (items/s)`,
    x: 0,
    y: top,
    xLabel: row.xLabel,
    xs,
    series: row.series.map((series) => series.points.map((point) => ({ x: point.x, value: point.itemsPerSecond }))),
    limits: row.limits.map((limit) => ({ label: limit.label, value: limit.itemsPerSecond })),
  });
  const latencyPlot = renderPlot({
    title: `${row.title}: p99 latency (ms)`,
    x: PLOT.left + PLOT.width + PLOT.right,
    y: top,
    xLabel: row.xLabel,
    xs,
    series: row.series.map((series) => series.points.map((point) => ({ x: point.x, value: point.p99Ms }))),
    limits: [],
  });
  const legendY = top + PLOT.top + PLOT.height + 34;
  const legend = [
    ...row.series.map((series, index) => ({ label: series.label, color: color(index), dashed: false })),
    ...row.limits.map((limit) => ({ label: limit.label, color: '#555', dashed: true })),
  ]
    .map((entry, index) => {
      const x = PLOT.left + (index % 4) * 230;
      const y = legendY + Math.floor(index / 4) * 14;
      const dash = entry.dashed ? ' stroke-dasharray="4 3"' : '';
      return `<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${entry.color}" stroke-width="2"${dash}/><text x="${x + 22}" y="${y}">${escapeXml(entry.label)}</text>`;
    })
    .join('');
  return `<g>${throughputPlot}${latencyPlot}${legend}</g>`;
}

interface Plot {
  title: string;
  x: number;
  y: number;
  xLabel: string;
  xs: number[];
  series: { x: number; value: number }[][];
  limits: { label: string; value: number }[];
}

function renderPlot(plot: Plot): string {
  const left = plot.x + PLOT.left;
  const top = plot.y + PLOT.top;
  const max = niceCeiling(Math.max(1e-9, ...plot.series.flat().map((point) => point.value), ...plot.limits.map((limit) => limit.value)) * 1.05);
  // x doubles from level to level: equal steps on the axis.
  const step = PLOT.width / Math.max(1, plot.xs.length - 1);
  const xOf = (x: number): number => left + (plot.xs.length === 1 ? PLOT.width / 2 : plot.xs.indexOf(x) * step);
  const yOf = (value: number): number => top + PLOT.height - (value / max) * PLOT.height;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const y = yOf(fraction * max);
    return `<line x1="${left}" y1="${y}" x2="${left + PLOT.width}" y2="${y}" stroke="#eee"/><text x="${left - 6}" y="${y + 4}" text-anchor="end">${formatTick(fraction * max)}</text>`;
  });
  const xTicks = plot.xs.map((x) => `<text x="${xOf(x)}" y="${top + PLOT.height + 16}" text-anchor="middle">${x}</text>`);
  const lines = plot.series.map((points, index) => {
    const coordinates = points.map((point) => `${xOf(point.x).toFixed(1)},${yOf(point.value).toFixed(1)}`);
    const dots = coordinates.map((xy) => `<circle cx="${xy.split(',')[0]}" cy="${xy.split(',')[1]}" r="2.5" fill="${color(index)}"/>`).join('');
    return `<polyline fill="none" stroke="${color(index)}" stroke-width="2" points="${coordinates.join(' ')}"/>${dots}`;
  });
  const limits = plot.limits.map((limit) => `<line x1="${left}" y1="${yOf(limit.value)}" x2="${left + PLOT.width}" y2="${yOf(limit.value)}" stroke="#555" stroke-width="1.5" stroke-dasharray="4 3"/>`);
  return [
    `<text x="${left}" y="${top - 12}" font-size="13" font-weight="bold">${escapeXml(plot.title)}</text>`,
    ...ticks,
    `<line x1="${left}" y1="${top + PLOT.height}" x2="${left + PLOT.width}" y2="${top + PLOT.height}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + PLOT.height}" stroke="#333"/>`,
    ...xTicks,
    `<text x="${left + PLOT.width / 2}" y="${top + PLOT.height + 30}" text-anchor="middle">${escapeXml(plot.xLabel)}</text>`,
    ...limits,
    ...lines,
  ].join('');
}

/** 1, 2 or 5 times a power of ten, at or above `value`. */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10) * power;
}

function formatTick(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function color(index: number): string {
  return COLORS[index % COLORS.length]!;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
