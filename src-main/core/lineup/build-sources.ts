import type { SourceConfig } from '../../shared/lineup-types.js';
import type { SourceInput } from '../../shared/relay-client.js';
import { nextSourceId } from './slug.js';

/**
 * Checked source inputs → source configs. Given ids are kept; the others get the next `s<n>` after every
 * id in the list and in `previousIds` (the channel's ids before an edit), so a removed source's id is
 * not handed to a new one in the same edit.
 */
export function buildSources(inputs: readonly SourceInput[], previousIds: Iterable<string> = []): SourceConfig[] {
  const taken = new Set(previousIds);
  for (const input of inputs) if (input.id !== undefined) taken.add(input.id);
  return inputs.map(({ id: givenId, ...fields }) => {
    const id = givenId ?? nextSourceId(taken);
    taken.add(id);
    return { id, ...fields };
  });
}
