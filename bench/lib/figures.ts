/** One line of the summary table. */
export interface Figure {
  /** Which benchmark (1–8 as in RESULTS.md). */
  id: string;
  what: string;
  /** Through the relay. */
  value: string;
  /** The baseline measured in the same run, when there is one. */
  baseline?: string;
  /** Ratio or goal, and whether it is met. */
  verdict?: string;
}

export interface BenchContext {
  quick: boolean;
  log(line: string): void;
}

export type BenchSection = (context: BenchContext) => Promise<Figure[]>;

/** "met" / "MISSED" for a goal, spelled so a reader scanning the table sees misses. */
export function goal(met: boolean, text: string): string {
  return `${text}: ${met ? 'met' : 'MISSED'}`;
}

export function markdownTable(figures: readonly Figure[]): string {
  const escape = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|');
  const rows = figures.map((f) => `| ${f.id} | ${escape(f.what)} | ${escape(f.value)} | ${escape(f.baseline)} | ${escape(f.verdict)} |`);
  return ['| # | Figure | Relay | Baseline | Ratio / goal |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function textTable(figures: readonly Figure[]): string {
  const cells = figures.map((f) => [f.id, f.what, f.value, f.baseline ?? '', f.verdict ?? '']);
  const header = ['#', 'Figure', 'Relay', 'Baseline', 'Ratio / goal'];
  const widths = header.map((h, column) => Math.max(h.length, ...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
