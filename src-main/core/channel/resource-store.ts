import { createHash } from 'node:crypto';
import { LruMap } from '../upstream/lru-map.js';

/**
 * Init sections and keys of a channel under relay ids (their routes). The same URI with the same bytes
 * keeps its id; a rotated key behind an unchanged URI gets a new one, so old segments keep their key.
 */
export class ResourceStore {
  readonly #idByContent = new LruMap<string, number>(128);
  readonly #bytesById = new LruMap<number, Buffer>(128);
  #nextId = 0;

  idFor(uri: string, bytes: Buffer): number {
    const key = `${uri}#${createHash('sha1').update(bytes).digest('hex')}`;
    const known = this.#idByContent.get(key);
    if (known !== undefined) return known;
    const id = this.#nextId++;
    this.#idByContent.set(key, id);
    this.#bytesById.set(id, bytes);
    return id;
  }

  get(id: number): Buffer | undefined {
    return this.#bytesById.get(id);
  }
}
