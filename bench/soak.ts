import { loadLine, machineLine, writeResultsSection } from './lib/results-file.js';
import { fixed } from './lib/stats.js';
import { formatSoakReport, runSoak, SOAK_LIMITS, soakViolations, type SoakReport } from './soak/run-soak.js';

/**
 * `npm run soak [-- --minutes N | --short] [-- --write | --no-write]`: runs the soak, prints the report
 * and exits non-zero when a limit is broken. A run of the default length rewrites its part of
 * bench/RESULTS.md; --short (≈ 75 s, what CI runs) does only with --write.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const short = args.includes('--short');
  const minutesIndex = args.indexOf('--minutes');
  const minutes = short ? 1.25 : minutesIndex >= 0 ? Number(args[minutesIndex + 1]) : 10;
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) throw new Error('--minutes takes a number of minutes (at most 1440)');
  const write = args.includes('--write') || (!short && !args.includes('--no-write'));

  const loadBefore = loadLine();
  console.log(`HLS Relay soak, ${minutes} min — ${machineLine()}; ${loadBefore}`);
  const report = await runSoak({ durationMs: minutes * 60_000, log: (line) => console.log(line) });
  const load = `${loadBefore} before, ${loadLine()} after`;
  const broken = soakViolations(report);
  console.log(`\n${formatSoakReport(report)}\n${load}\n\n${broken.length === 0 ? 'PASS' : `FAIL:\n  ${broken.join('\n  ')}`}`);
  if (write) console.log(`\nWrote ${await writeResultsSection('soak', renderSoak(report, broken, load))}`);
  return broken.length === 0 ? 0 : 1;
}

function renderSoak(report: SoakReport, broken: readonly string[], load: string): string {
  return [
    `## Latest soak: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fixed(report.durationMs / 60_000, 1)} min`,
    '',
    `Machine: ${machineLine()}; ${load} (1 / 5 / 15 min).`,
    '',
    '```',
    formatSoakReport(report),
    '```',
    '',
    `Limits: RSS slope ≤ ${SOAK_LIMITS.rssSlopeMbPerMin} MiB/min, handle slope ≤ ${SOAK_LIMITS.handleSlopePerMin}/min, ` +
      `event-loop delay ≤ ${SOAK_LIMITS.eventLoopMaxMs} ms, ${SOAK_LIMITS.listed404} listed 404s. ` +
      (broken.length === 0 ? '**PASS**' : `**FAIL**: ${broken.join('; ')}`),
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
