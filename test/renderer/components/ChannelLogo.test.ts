import '@testing-library/svelte/vitest';
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ChannelLogo from '../../../src-renderer/components/ChannelLogo.svelte';

describe('ChannelLogo', () => {
  it('shows the logo, and the initials once it fails to load', async () => {
    const { container, rerender } = render(ChannelLogo, { props: { name: 'BBC One', logo: 'https://logos.example/bbc1.png' } });
    const image = container.querySelector('img');
    expect(image?.getAttribute('src')).toBe('https://logos.example/bbc1.png');

    await fireEvent.error(image!);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent?.trim()).toBe('BO');

    // A new address gets a new try.
    await rerender({ name: 'BBC One', logo: 'https://logos.example/bbc1-new.png' });
    expect(container.querySelector('img')?.getAttribute('src')).toBe('https://logos.example/bbc1-new.png');
  });

  it('shows initials when there is no logo', () => {
    const { container } = render(ChannelLogo, { props: { name: 'arte', logo: null } });
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent?.trim()).toBe('A');
  });
});
