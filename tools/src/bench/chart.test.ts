import { describe, expect, it } from 'vitest';
import { niceCeiling, renderChart } from './chart.js';

describe('renderChart', () => {
  const svg = renderChart([
    {
      title: 'tiny <model>',
      xLabel: 'concurrency',
      series: [
        { label: 'naive', points: [{ x: 1, itemsPerSecond: 100, p99Ms: 2 }, { x: 2, itemsPerSecond: 180, p99Ms: 3 }] },
        { label: 'Demux & batching', points: [{ x: 1, itemsPerSecond: 90, p99Ms: 4 }, { x: 2, itemsPerSecond: 170, p99Ms: 5 }] },
      ],
      limits: [{ label: 'raw onnxruntime limit', itemsPerSecond: 200 }],
    },
  ]);

  it('is one standalone SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('draws each series in both the throughput and the p99 plot, and names it in the legend', () => {
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg).toContain('>naive</text>');
    expect(svg).toContain('>Demux &amp; batching</text>');
  });

  it('draws the raw limit as a dashed line and escapes titles', () => {
    expect(svg).toContain('raw onnxruntime limit');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('tiny &lt;model&gt;: throughput (items/s)');
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(0.7)).toBeCloseTo(1);
    expect(niceCeiling(37)).toBe(50);
    expect(niceCeiling(120)).toBe(200);
    expect(niceCeiling(4600)).toBe(5000);
  });
});
