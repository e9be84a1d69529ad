import { Notification, dialog, shell } from 'electron';
import { toErrorInfo } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Relay } from '../core/relay/relay.js';
import { decideNotifications, rememberChannels, type NotificationMemory } from './notifications.js';
import { describeRecoveryNotice, type RecoveryNotice } from './settings-recovery.js';

/** A native notification; clicking it runs `onClick`. Silently nothing where the OS has none. */
export function showNotification(title: string, body: string, onClick?: () => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title, body });
  if (onClick) notification.on('click', onClick);
  notification.show();
}

export interface NotificationDeps {
  relay: Relay;
  /** The user's "notifications" setting, read at each update. */
  enabled(): boolean;
  onClick(): void;
  logger: Logger;
}

/** Native notifications for failovers and failing channels (policy in notifications.ts). */
export function setupNotifications(deps: NotificationDeps): { destroy(): void } {
  let memory: NotificationMemory = rememberChannels([]);
  let haveList = false;
  const unsubscribe = deps.relay.subscribe((update) => {
    haveList ||= update.type === 'channels';
    const decision = decideNotifications(memory, update, { enabled: deps.enabled(), now: Date.now() });
    memory = decision.memory;
    for (const note of decision.notifications) showNotification(note.title, note.body, deps.onClick);
  });
  deps.relay.overview().then(
    (overview) => {
      if (!haveList) memory = rememberChannels(overview.channels);
    },
    (error: unknown) => deps.logger.error('notifications: could not read the channels', { ...toErrorInfo(error) }),
  );
  return { destroy: unsubscribe };
}

/** Tells the user, once, that an unreadable settings file was moved aside, and lets them find it. */
export async function showRecoveryNotice(notice: RecoveryNotice): Promise<void> {
  const { title, body } = describeRecoveryNotice(notice);
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    title,
    message: title,
    detail: body,
    buttons: ['OK', 'Show the file'],
    defaultId: 0,
    cancelId: 0,
  });
  if (response === 1) shell.showItemInFolder(notice.movedTo);
}
