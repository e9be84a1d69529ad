import { RelayError } from '../errors.js';
import { httpUrlProblem } from '../lineup/field-rules.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';

/** A provider's M3U over http(s): through the upstream client, so size caps and timeouts apply. */
export async function fetchImportText(client: UpstreamClient, url: string, userAgent: string): Promise<string> {
  const problem = httpUrlProblem(url);
  if (problem) throw new RelayError('invalid-url', `Import URL: ${problem}`);
  // Segment-sized cap: a provider lineup of tens of thousands of entries is several MiB.
  const response = await client.fetch({ url, kind: 'segment', userAgent, deadlineMs: 60_000 });
  return response.body.toString('utf8');
}
