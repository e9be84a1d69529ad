import type { ChannelSnapshot } from '../../src-main/shared/relay-types.js';
import { filterChannels, listGroups } from './channel-filter.js';
import { relay } from './relay-store.svelte.js';

export type DialogState =
  | { kind: 'import' }
  | { kind: 'settings' }
  | { kind: 'add-channel' }
  | { kind: 'edit-channel'; channelId: string }
  | null;

/** What the window is showing: the filter, the selected channel, the open dialog. */
class ViewState {
  filterText = $state('');
  /** null: all groups; '': channels without a group. */
  filterGroup = $state<string | null>(null);
  selectedId = $state<string | null>(null);
  dialog = $state.raw<DialogState>(null);

  groups = $derived(listGroups(relay.channels));
  visible = $derived(filterChannels(relay.channels, { text: this.filterText, group: this.filterGroup }));
  /** The chosen channel, or the first one shown when nothing (or a removed channel) is chosen. */
  selected: ChannelSnapshot | null = $derived(
    (this.selectedId === null ? undefined : relay.channel(this.selectedId)) ?? this.visible[0] ?? null,
  );

  select(channelId: string): void {
    this.selectedId = channelId;
  }

  open(dialog: DialogState): void {
    this.dialog = dialog;
  }

  close(): void {
    this.dialog = null;
  }

  reset(): void {
    this.filterText = '';
    this.filterGroup = null;
    this.selectedId = null;
    this.dialog = null;
  }
}

export const view = new ViewState();
