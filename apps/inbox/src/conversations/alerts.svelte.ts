// The teammate's choice of desktop notifications and sound, remembered in localStorage, and the
// notice itself. The browser asks for permission only when the teammate clicks to enable.
import type { Attention } from './notifications';

const KEY = 'confab.inbox.alerts';

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export class Alerts {
  desktop = $state(false);
  sound = $state(false);
  permission = $state<NotificationPermission | 'unsupported'>(
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );

  constructor() {
    try {
      const saved = JSON.parse(storage()?.getItem(KEY) ?? '{}') as { desktop?: unknown; sound?: unknown };
      this.desktop = saved.desktop === true && this.permission === 'granted';
      this.sound = saved.sound === true;
    } catch {
      // Nothing remembered.
    }
  }

  #save() {
    try {
      storage()?.setItem(KEY, JSON.stringify({ desktop: this.desktop, sound: this.sound }));
    } catch {
      // Remembered for this page only.
    }
  }

  async enableDesktop(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    this.permission = await Notification.requestPermission();
    this.desktop = this.permission === 'granted';
    this.#save();
  }

  disableDesktop(): void {
    this.desktop = false;
    this.#save();
  }

  setSound(on: boolean): void {
    this.sound = on;
    this.#save();
  }

  /** Shows the notice; `open` runs when the teammate clicks it. */
  notify(attention: Attention, open: () => void): void {
    if (this.desktop && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      const notice = new Notification(attention.title, {
        body: attention.body.slice(0, 200),
        tag: attention.conversationId,
      });
      notice.onclick = () => {
        window.focus();
        open();
        notice.close();
      };
    }
    if (this.sound) chime();
  }
}

let audio: AudioContext | undefined;

/** A short two-tone chime made on the spot: no sound file to fetch. */
function chime(): void {
  try {
    audio ??= new AudioContext();
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.12, 1320],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.08, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.25);
    }
  } catch {
    // No audio here: the title and the desktop notice still tell.
  }
}
