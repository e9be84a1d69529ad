import { spawnSync } from 'node:child_process';

/**
 * Whether a system tool (ffmpeg, cvlc, chromium) is installed. On a developer machine a missing tool makes
 * the test skip with a loud warning; under CI (CI=true) it is a failure: CI must install it. `name` is the
 * tool to mention when the probe runs it through a wrapper (cvlc through runuser).
 */
export function requireTool(command: string, versionArgs: string[] = ['-version'], name: string = command): boolean {
  const probe = spawnSync(command, versionArgs, { stdio: 'ignore', timeout: 10_000 });
  if (probe.error === undefined && probe.status === 0) return true;
  if (process.env.CI === 'true') throw new Error(`${name} is required under CI but is not installed (run bash .ci/run)`);
  console.warn(`\n*** SKIPPING: ${name} is not installed; install it to run this test (apt-get install …) ***\n`);
  return false;
}
