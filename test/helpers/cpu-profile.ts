import { Session } from 'node:inspector/promises';

/** A part of the process whose CPU time is wanted: frames whose script URL matches `url`. */
export interface CpuPart {
  name: string;
  url: RegExp;
}

export interface CpuProfiler {
  /** Milliseconds of main-thread CPU per part, plus 'garbage collector', 'idle' and 'other'. */
  stop(): Promise<Map<string, number>>;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

const SPECIAL_FRAMES = new Map([
  ['(garbage collector)', 'garbage collector'],
  ['(idle)', 'idle'],
]);

/**
 * Samples the main thread's stacks (V8's CPU profiler) every `intervalMs` until stop(), then charges each
 * sample to the first part found walking from the running frame towards the stack's root: Node and library
 * code counts for whichever part called it. Samples in no part (timers, the test runner) count as 'other'.
 * Sampling interrupts the thread: a coarse interval keeps that from distorting what is measured.
 */
export async function startCpuProfiler(parts: readonly CpuPart[], intervalMs = 10): Promise<CpuProfiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalMs * 1000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const nodes = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]));
      const parents = new Map<number, number>();
      for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
      const partOf = new Map<number, string>();
      const classify = (id: number): string => {
        const known = partOf.get(id);
        if (known !== undefined) return known;
        const { url, functionName } = nodes.get(id)!.callFrame;
        const special = SPECIAL_FRAMES.get(functionName);
        const parent = parents.get(id);
        const part = special ?? parts.find((candidate) => candidate.url.test(url))?.name ?? (parent === undefined ? 'other' : classify(parent));
        partOf.set(id, part);
        return part;
      };
      const totals = new Map<string, number>();
      const samples = profile.samples ?? [];
      const deltas = profile.timeDeltas ?? [];
      samples.forEach((id, index) => {
        const part = classify(id);
        totals.set(part, (totals.get(part) ?? 0) + (deltas[index] ?? 0) / 1000);
      });
      return totals;
    },
  };
}
