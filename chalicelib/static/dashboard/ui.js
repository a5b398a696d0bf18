/*
 * Small pieces of the admin pages: a confirmation dialog (a modal <dialog>, never window.confirm),
 * a "shown once" box with a copy button for tokens and secrets, and file downloads (Blob + a.download).
 * Text only: everything goes in with textContent.
 */
import { el } from '../lib/dom.js';
import { $ } from './state.js';

/* Resolves true when the operator confirms. Focus starts on Cancel and returns where it was. */
export function confirmDialog(title, text, yesLabel) {
  const dlg = $('confirm');
  const back = document.activeElement;
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-yes').textContent = yesLabel;
  return new Promise((resolve) => {
    const done = (answer) => {
      $('confirm-yes').onclick = null;
      $('confirm-no').onclick = null;
      dlg.onclose = null;
      if (dlg.open) { dlg.close(); }
      if (back && back.focus) { back.focus(); }
      resolve(answer);
    };
    $('confirm-yes').onclick = () => done(true);
    $('confirm-no').onclick = () => done(false);
    dlg.onclose = () => done(false);          // Escape
    dlg.showModal();
    $('confirm-no').focus();
  });
}

/* Show a token or secret once in `box`: the value, a Copy button and a note that it will not be shown
   again. A Done button clears it. */
export function showOnce(box, label, value, note) {
  const id = box.id + '-value';
  const input = el('input', { type: 'text', id, readonly: true, spellcheck: 'false', autocomplete: 'off', className: 'once-value' });
  input.value = value;
  const copied = el('span', { className: 'status', role: 'status', 'aria-live': 'polite' });
  const copy = el('button', { type: 'button', className: 'primary', text: 'Copy' });
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(value);
      copied.textContent = 'Copied.';
    } catch (e) {
      copied.textContent = 'Select the text and copy it (Ctrl+C).';
    }
  });
  const done = el('button', { type: 'button', className: 'ghost', text: 'Done' });
  done.addEventListener('click', () => { box.replaceChildren(); box.hidden = true; });
  box.replaceChildren(
    el('label', { for: id, text: label }),
    el('div', { className: 'once-row' }, [input, copy, done]),
    el('p', { className: 'once-note', text: note || 'Shown once: copy it now. It cannot be shown again.' }),
    copied,
  );
  box.hidden = false;
  input.focus();
  input.select();
}

/* Save `data` as a file the browser downloads. */
export function download(filename, data, type) {
  const blob = new Blob([data], { type: type || 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
