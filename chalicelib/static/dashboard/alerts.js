/*
 * Alerts for new handoff requests: a short beep and a desktop notification, once per handoff,
 * whichever event announces it first (the direct `handoff` event or the consumer's `inbox` push).
 */
import { $, state } from './state.js';
import { reasonText, visitorName } from './format.js';

const alerted = new Set();   // handoff ids (or conversation ids) already announced
let audio = null;
let onNotificationClick = () => {};

export function initAlerts(options) {
  onNotificationClick = options.onOpen;
  $('notify-btn').addEventListener('click', () => {
    Notification.requestPermission().then(updateNotifyButton, updateNotifyButton);
  });
  // Browsers only let a page play sound after a user gesture.
  document.addEventListener('click', unlockAudio, { passive: true });
  document.addEventListener('keydown', unlockAudio, { passive: true });
}

export function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) { return; }
  if (!audio) { try { audio = new Ctx(); } catch (e) { audio = null; } }
  if (audio && audio.state === 'suspended') { audio.resume().catch(() => {}); }
}

export function updateNotifyButton() {
  $('notify-btn').hidden = !('Notification' in window) || Notification.permission !== 'default';
}

export function beep() {
  state.beeps += 1;
  if (!audio) { unlockAudio(); }
  if (!audio) { return; }
  try {
    const t0 = audio.currentTime;
    for (const offset of [0, 0.18]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, t0 + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, t0 + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + offset + 0.14);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + offset);
      osc.stop(t0 + offset + 0.15);
    }
  } catch (e) { /* no sound: fine */ }
}

function notify(summary) {
  if (!('Notification' in window) || Notification.permission !== 'granted') { return; }
  try {
    const h = summary.handoff;
    const n = new Notification('New handoff request', {
      body: visitorName(summary) + (h && h.reason ? ' · ' + reasonText(h.reason) : ''),
      tag: 'handoff-' + summary.id,
    });
    state.notifications += 1;
    n.onclick = () => { window.focus(); onNotificationClick(summary.id); n.close(); };
  } catch (e) { /* some browsers only allow notifications from a service worker */ }
}

/* True the first time a handoff request is announced. */
export function alertNewHandoff(summary, handoff) {
  const key = (handoff && handoff.id) || summary.id;
  if (alerted.has(key)) { return false; }
  alerted.add(key);
  beep();
  notify(summary);
  return true;
}
