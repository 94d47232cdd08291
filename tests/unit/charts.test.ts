import { describe, expect, it } from 'vitest';
import { describeBarChart, layoutBarChart, type BarDatum } from '../../src/lib/charts';

const outcomes: BarDatum[] = [
  { label: 'Nothing bad happened', value: 40, highlight: true, href: '/stories?outcome=nothing' },
  { label: 'A supportive talk', value: 25 },
  { label: 'I wrote the postmortem', value: 20 },
  { label: 'A formal warning', value: 8 },
  { label: 'I lost the job', value: 4 },
  { label: 'Prefer not to say', value: 3 },
];

describe('layoutBarChart', () => {
  it('scales bars to the largest value', () => {
    const layout = layoutBarChart(outcomes, { width: 600, labelWidth: 200, rowHeight: 30 });
    const widest = layout.bars[0].barWidth;
    expect(widest).toBeGreaterThan(0);
    expect(widest).toBeLessThanOrEqual(600 - 200);
    expect(Math.max(...layout.bars.map((b) => b.barWidth))).toBe(widest);
    expect(layout.bars[1].barWidth / widest).toBeCloseTo(25 / 40, 2);
    expect(layout.bars[4].barWidth / widest).toBeCloseTo(4 / 40, 2);
  });

  it('stacks rows and sizes the chart to them', () => {
    const layout = layoutBarChart(outcomes, { rowHeight: 30 });
    expect(layout.bars.map((b) => b.y)).toEqual([0, 30, 60, 90, 120, 150]);
    expect(layout.height).toBe(180);
    expect(layout.rowHeight).toBe(30);
  });

  it('gives percentages that sum to 100 and readable value text', () => {
    const layout = layoutBarChart(outcomes);
    const sum = layout.bars.reduce((s, b) => s + b.percent, 0);
    expect(sum).toBeCloseTo(100, 6);
    expect(layout.bars[0].valueText).toBe('40 · 40%');
    expect(layout.bars[5].valueText).toBe('3 · 3%');
  });

  it('carries links and highlight through', () => {
    const [first, second] = layoutBarChart(outcomes).bars;
    expect(first).toMatchObject({ href: '/stories?outcome=nothing', highlight: true });
    expect(second).toMatchObject({ href: undefined, highlight: false });
  });

  it('is safe with zero, empty and bad data', () => {
    const zeros = layoutBarChart([{ label: 'A', value: 0 }, { label: 'B', value: 0 }]);
    expect(zeros.bars.map((b) => [b.barWidth, b.percent, b.valueText])).toEqual([
      [0, 0, '0 · 0%'],
      [0, 0, '0 · 0%'],
    ]);
    expect(layoutBarChart([])).toMatchObject({ bars: [], height: 0 });
    const bad = layoutBarChart([{ label: 'A', value: -5 }, { label: 'B', value: Number.NaN }, { label: 'C', value: 2 }]);
    expect(bad.bars.map((b) => b.value)).toEqual([0, 0, 2]);
    expect(bad.bars.every((b) => Number.isFinite(b.barWidth) && b.barWidth >= 0)).toBe(true);
  });

  it('keeps a tiny non-zero bar visible and says "<1%" rather than 0%', () => {
    const layout = layoutBarChart([{ label: 'Big', value: 10_000 }, { label: 'Tiny', value: 1 }]);
    expect(layout.bars[1].barWidth).toBeGreaterThan(0);
    expect(layout.bars[1].valueText).toBe('1 · <1%');
    expect(layout.bars[0].valueText).toBe('10,000 · 100%');
  });

  it('shortens labels too long for the label column but keeps the full label', () => {
    const label = 'An extraordinarily long failure type name';
    const [bar] = layoutBarChart([{ label, value: 1 }], { labelWidth: 120 }).bars;
    expect(bar.label).toBe(label);
    expect(bar.labelText.endsWith('…')).toBe(true);
    expect(bar.labelText.length).toBeLessThan(label.length);
    expect(layoutBarChart([{ label: 'DNS', value: 1 }]).bars[0].labelText).toBe('DNS');
  });

  it('leaves labels as plain strings (escaping is the template’s job)', () => {
    const [bar] = layoutBarChart([{ label: '<script>&', value: 1 }]).bars;
    expect(bar.labelText).toBe('<script>&');
  });
});

describe('describeBarChart', () => {
  it('lists every label with its count in one sentence', () => {
    expect(
      describeBarChart('Stories per failure type', [
        { label: 'Database', value: 12 },
        { label: 'YAML & config', value: 9 },
        { label: 'DNS', value: 1234 },
      ]),
    ).toBe('Stories per failure type: Database 12, YAML & config 9, DNS 1,234.');
  });

  it('covers the empty chart and keeps labels unescaped', () => {
    expect(describeBarChart('How it ended', [])).toBe('How it ended: no data yet.');
    expect(describeBarChart('T', [{ label: 'a < b', value: 2 }])).toBe('T: a < b 2.');
  });
});
