import { describe, expect, it } from 'vitest';
import { formatSoakReport, runSoak, SOAK_LIMITS, soakViolations } from '../../bench/soak/run-soak.js';

describe('short soak (bench/soak)', () => {
  it('relays four channels through 75 s of switches, outages and stalls without leaking, blocking or losing listed segments', async () => {
    const report = await runSoak({ durationMs: 75_000, log: (line) => console.log(line) });
    console.log(formatSoakReport(report));

    // The soak really ran: players were served, and every kind of disturbance happened.
    expect(report.segmentsDelivered).toBeGreaterThan(report.players * 100);
    expect(report.switches.ok).toBeGreaterThanOrEqual(5);
    expect(report.failovers).toBeGreaterThanOrEqual(3);
    expect(report.outages + report.stalls).toBeGreaterThanOrEqual(10);

    expect(report.player.listed404, report.player.problems.join('; ')).toBe(SOAK_LIMITS.listed404);
    expect(report.rssSlopeMbPerMin).toBeLessThanOrEqual(SOAK_LIMITS.rssSlopeMbPerMin);
    expect(report.handleSlopePerMin).toBeLessThanOrEqual(SOAK_LIMITS.handleSlopePerMin);
    // Event-loop delay: what exceeds an idle process's alongside (the machine's own stalls) — see soakViolations.
    expect(report.eventLoop.maxMs - (report.controlEventLoop?.maxMs ?? 0)).toBeLessThanOrEqual(SOAK_LIMITS.eventLoopMaxMs);
    expect(report.handlesAfterClose).toBeLessThanOrEqual(report.handlesBefore);
    expect(soakViolations(report)).toEqual([]);
  }, 150_000);
});
