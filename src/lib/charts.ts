/** One bar: a category, its count, an optional link and whether to draw it in the strong colour. */
export interface BarDatum {
  label: string;
  value: number;
  href?: string;
  highlight?: boolean;
}

/** Geometry of a horizontal bar chart in viewBox units (the SVG scales to its container). */
export interface BarLayout {
  width: number;
  height: number;
  rowHeight: number;
  /** Where bars start; labels are right-aligned just left of it. */
  labelWidth: number;
  bars: {
    label: string;
    value: number;
    href?: string;
    highlight: boolean;
    /** Top of the row. */
    y: number;
    barWidth: number;
    /** Share of the total, 0–100, unrounded (so the shares sum to 100). */
    percent: number;
    labelText: string;
    valueText: string;
  }[];
}

// Room after the longest bar for "1,234 · 100%" at ~14px.
const VALUE_WIDTH = 96;
const LABEL_GAP = 8;
// SVG text neither wraps nor can be measured on the server, so estimate an average glyph width
// at 14px (a little above common sans-serif fonts: at 7.5 "Nothing bad happened" lost its first
// letter on phones) and shorten labels that would run off the left edge (the full label stays in
// a tooltip).
const AVG_CHAR_WIDTH = 8.5;
// A non-zero count should stay visible next to a very large one.
const MIN_BAR_WIDTH = 2;

const numberFormat = new Intl.NumberFormat('en-US');

/** Lays out a horizontal bar chart: bars scaled to the largest value, value and percent after each bar. */
export function layoutBarChart(
  data: BarDatum[],
  options: { width?: number; labelWidth?: number; rowHeight?: number } = {},
): BarLayout {
  const { width = 640, labelWidth = 180, rowHeight = 28 } = options;
  // Negative or non-finite counts are data errors; draw them as zero rather than inverted bars.
  const values = data.map((d) => (Number.isFinite(d.value) && d.value > 0 ? d.value : 0));
  const total = values.reduce((sum, v) => sum + v, 0);
  const max = Math.max(0, ...values);
  const barArea = Math.max(0, width - labelWidth - VALUE_WIDTH);
  const maxChars = Math.max(1, Math.floor((labelWidth - LABEL_GAP) / AVG_CHAR_WIDTH));

  const bars = data.map((d, i) => {
    const value = values[i];
    const percent = total > 0 ? (value / total) * 100 : 0;
    // One decimal is finer than a pixel and keeps the markup short.
    const barWidth = max > 0 && value > 0 ? Math.max(MIN_BAR_WIDTH, Math.round((value / max) * barArea * 10) / 10) : 0;
    return {
      label: d.label,
      value,
      href: d.href,
      highlight: d.highlight ?? false,
      y: i * rowHeight,
      barWidth,
      percent,
      labelText: truncate(d.label, maxChars),
      valueText: `${numberFormat.format(value)} · ${formatPercent(percent)}`,
    };
  });
  return { width, height: data.length * rowHeight, rowHeight, labelWidth, bars };
}

/** A one-sentence text alternative, e.g. "Stories per failure type: Database 12, YAML 9." */
export function describeBarChart(title: string, data: BarDatum[]): string {
  if (data.length === 0) return `${title}: no data yet.`;
  return `${title}: ${data.map((d) => `${d.label} ${numberFormat.format(d.value)}`).join(', ')}.`;
}

// "<1%" rather than "0%" so a small but real category does not read as empty.
function formatPercent(percent: number): string {
  if (percent > 0 && percent < 0.5) return '<1%';
  return `${Math.round(percent)}%`;
}

function truncate(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('').trimEnd()}…`;
}
