import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { CHANNEL_STATES } from '../../../src-main/shared/relay-types.js';
import StateBadge from '../../../src-renderer/components/StateBadge.svelte';

describe('StateBadge', () => {
  it('names every state in words, not only in colour', () => {
    const labels = CHANNEL_STATES.map((state) => {
      const { container, unmount } = render(StateBadge, { props: { state } });
      const text = container.textContent?.trim();
      unmount();
      return text;
    });
    expect(labels).toEqual(['Idle', 'Starting', 'Playing', 'Switching', 'Retrying', 'Stalled', 'Failing', 'Stopped']);
  });

  it('colours good, worrying and failing states differently', () => {
    const toneOf = (state: (typeof CHANNEL_STATES)[number]): string => {
      const { container, unmount } = render(StateBadge, { props: { state } });
      const tone = [...(container.querySelector('.badge')?.classList ?? [])].find((name) => name.startsWith('tone-'));
      unmount();
      return tone ?? 'none';
    };
    expect(toneOf('playing')).toBe('tone-good');
    expect(toneOf('stalled')).toBe('tone-warn');
    expect(toneOf('retrying')).toBe('tone-warn');
    expect(toneOf('failing')).toBe('tone-bad');
    expect(toneOf('idle')).toBe('tone-neutral');
  });

  it('explains the state on hover', () => {
    render(StateBadge, { props: { state: 'failing' } });
    expect(screen.getByText('Failing').getAttribute('title')).toMatch(/every source failed/i);
  });
});
