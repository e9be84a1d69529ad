import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src-main/shared/error-codes.js';
import { ClientError } from '../../../src-renderer/lib/client-error.js';
import { describeCode, describeError } from '../../../src-renderer/lib/error-text.js';

describe('error text', () => {
  it('gives every error code its own sentence, without the code itself', () => {
    const sentences = ERROR_CODES.map(describeCode);
    expect(new Set(sentences).size).toBe(ERROR_CODES.length);
    for (const [i, sentence] of sentences.entries()) {
      expect(sentence).toMatch(/^[A-Z].*\.$/);
      expect(sentence).not.toContain(ERROR_CODES[i]);
    }
  });

  it('words what a client throws by its code, and anything else generically', () => {
    expect(describeError(new ClientError('provider-limit', 'max 2'))).toBe(describeCode('provider-limit'));
    expect(describeError(new TypeError('x is undefined'))).toBe(describeCode('internal'));
    expect(describeCode('some-future-code')).toBe(describeCode('internal'));
  });
});
