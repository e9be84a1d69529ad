import type { Tone } from './health-text.js';

export interface Notice {
  id: number;
  text: string;
  tone: Tone;
}

const SHOWN_MS = 6_000;

/** Short messages in a corner ("Copied", "Could not remove …"), each gone after a few seconds. */
class Notices {
  items = $state.raw<readonly Notice[]>([]);
  #nextId = 1;

  show(text: string, tone: Tone = 'info'): void {
    const notice = { id: this.#nextId++, text, tone };
    this.items = [...this.items, notice].slice(-3);
    setTimeout(() => this.dismiss(notice.id), SHOWN_MS);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id);
  }
}

export const notices = new Notices();
