import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/RESULTS.md of this checkout, found from this module whether it runs from bench/ or dist/bench/. */
export function resultsPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bench'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no checkout with bench/ above this module');
    dir = parent;
  }
  return join(dir, 'bench', 'RESULTS.md');
}

/**
 * Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` in RESULTS.md (appending the pair
 * when absent), so the benchmark and the soak each own their part and hand-written notes survive a rerun.
 */
export async function writeResultsSection(name: string, markdown: string): Promise<string> {
  const path = resultsPath();
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const current = existsSync(path) ? await readFile(path, 'utf8') : '# HLS Relay benchmark results\n';
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  await writeFile(path, next);
  return path;
}

/** One line naming the machine a figure comes from. */
export function machineLine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${type()} ${release()}, Node ${process.version}`;
}

/** The machine's load average (1 / 5 / 15 min): other work running during a measurement shows in its figures. */
export function loadLine(): string {
  return `load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')}`;
}
