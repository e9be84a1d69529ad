export interface VirtualWindowInput {
  count: number;
  /** Every row has this height, in CSS pixels. */
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Rows drawn beyond each edge so fast scrolling does not show gaps. */
  overscan: number;
}

export interface VirtualWindow {
  /** First row drawn (inclusive) … */
  start: number;
  /** … last row drawn (exclusive). */
  end: number;
  /** Space standing in for the rows above and below the drawn ones. */
  padTop: number;
  padBottom: number;
}

/** Which rows of a long fixed-height list to draw for the current scroll position. */
export function computeVirtualWindow(input: VirtualWindowInput): VirtualWindow {
  const { count, rowHeight, scrollTop, viewportHeight, overscan } = input;
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + Math.ceil(viewportHeight / rowHeight) + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: Math.max(0, count - end) * rowHeight };
}

/** The scroll position that shows row `index` whole, moving as little as possible. */
export function revealRow(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}
