/**
 * SVG polyline points for values drawn left (oldest) to right in a width × height box, 0 at the bottom and
 * `max` (the largest value by default) at the top. Empty for fewer than two values.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number, max?: number): string {
  if (values.length < 2) return '';
  const top = max ?? Math.max(...values);
  const scale = top > 0 ? height / top : 0;
  const step = width / (values.length - 1);
  return values
    .map((value, i) => {
      const y = height - Math.min(height, Math.max(0, value * scale));
      return `${(i * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}
