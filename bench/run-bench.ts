import { performance } from 'node:perf_hooks';
import { markdownTable, textTable, type BenchContext, type BenchSection, type Figure } from './lib/figures.js';
import { loadLine, machineLine, writeResultsSection } from './lib/results-file.js';
import { measureFanOut } from './sections/fan-out.js';
import { measureFailover } from './sections/failover-latency.js';
import { measureFfmpegStart } from './sections/ffmpeg-start.js';
import { measureIdleStart } from './sections/idle-start.js';
import { measureResources } from './sections/resources.js';
import { measureSwitchLatency } from './sections/switch-latency.js';

/**
 * `npm run bench [-- --quick] [-- --only 1,4] [-- --write | --no-write]`: prints every figure as it is
 * measured and a summary table; a full run (not --quick, not --only) also rewrites its part of
 * bench/RESULTS.md.
 */
const SECTIONS: { ids: string[]; name: string; run: BenchSection }[] = [
  { ids: ['1', '2', '3'], name: 'fan-out', run: measureFanOut },
  { ids: ['4'], name: 'switch latency', run: measureSwitchLatency },
  { ids: ['5'], name: 'failover latency', run: measureFailover },
  { ids: ['6'], name: 'idle start', run: measureIdleStart },
  { ids: ['7'], name: 'ffmpeg start', run: measureFfmpegStart },
  { ids: ['8'], name: 'resources', run: measureResources },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : null;
  const write = args.includes('--write') || (!quick && only === null && !args.includes('--no-write'));
  const context: BenchContext = { quick, log: (line) => console.log(line) };

  const started = performance.now();
  const loadBefore = loadLine();
  console.log(`HLS Relay benchmarks${quick ? ' (quick)' : ''} — ${machineLine()}; ${loadBefore}`);
  const figures: Figure[] = [];
  for (const section of SECTIONS) {
    if (only && !section.ids.some((id) => only.includes(id))) continue;
    try {
      figures.push(...(await section.run(context)));
    } catch (error) {
      console.error(`\n${section.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      figures.push({ id: section.ids.join(','), what: `${section.name}: FAILED`, value: error instanceof Error ? error.message : String(error) });
    }
  }
  const minutes = (performance.now() - started) / 60_000;
  const load = `${loadBefore} before, ${loadLine()} after`;
  console.log(`\nSummary (${minutes.toFixed(1)} min; ${load})\n${textTable(figures)}`);
  if (write) {
    const path = await writeResultsSection('bench', renderResults(figures, quick, minutes, load));
    console.log(`\nWrote ${path}`);
  }
}

function renderResults(figures: readonly Figure[], quick: boolean, minutes: number, load: string): string {
  return [
    `## Latest run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (--quick)' : ''}, ${minutes.toFixed(1)} min`,
    '',
    `Machine: ${machineLine()}; ${load} (1 / 5 / 15 min).`,
    '',
    markdownTable(figures),
    '',
    'TD = target duration. "Relay" figures go through the relay, "Baseline" figures are measured in the same run',
    'without it. Every figure is printed as it is measured; `npm run bench` shows the details (server and client',
    'CPU, connections, per-run values).',
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
