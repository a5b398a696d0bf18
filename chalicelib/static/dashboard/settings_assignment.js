/*
 * Settings → Assignment (team inbox): manual / auto, capacity per operator, offer timeout, whether
 * colleagues may take an offered conversation. Saved as the `assignment` setting (admins only).
 */
import { clear, el } from '../lib/dom.js';
import { $, api, isAdmin, state, toast } from './state.js';

export async function loadAssignment() {
  const box = $('assignment-card');
  if (!box) { return; }
  const data = await api('GET', 'agents/' + encodeURIComponent(state.agentId) + '/settings').catch(() => null);
  if (!data) { return; }
  const a = Object.assign({ mode: 'manual', capacity: 3, offer_timeout_seconds: 120, others_may_take: true },
    (data.settings || {}).assignment || {});
  clear(box);
  const mode = el('select', { id: 'assignment-mode' }, [
    el('option', { value: 'manual', text: 'Manual: the first to acknowledge takes it' }),
    el('option', { value: 'auto', text: 'Automatic: offered round robin to an online operator' })]);
  mode.value = a.mode;
  const cap = el('input', { type: 'number', id: 'assignment-capacity', min: '1', max: '50', value: String(a.capacity) });
  const timeout = el('input', { type: 'number', id: 'assignment-timeout', min: '10', max: '3600', value: String(a.offer_timeout_seconds) });
  const others = el('input', { type: 'checkbox', id: 'assignment-others' });
  others.checked = !!a.others_may_take;
  const save = el('button', { type: 'button', id: 'assignment-save', className: 'primary', text: 'Save assignment' });
  save.addEventListener('click', async () => {
    const fresh = await api('GET', 'agents/' + encodeURIComponent(state.agentId) + '/settings');
    const value = { mode: mode.value, capacity: Number(cap.value), offer_timeout_seconds: Number(timeout.value),
      others_may_take: others.checked };
    try {
      await api('PUT', 'agents/' + encodeURIComponent(state.agentId) + '/settings', { settings: { assignment: value }, version: fresh.version });
      toast('Assignment saved.');
    } catch (err) { toast('Could not save: ' + err.message); }
  });
  box.append(el('h2', { text: 'Assignment' }),
    el('label', {}, ['Mode ', mode]), el('label', {}, ['Capacity per operator ', cap]),
    el('label', {}, ['Offer timeout (seconds) ', timeout]), el('label', {}, [others, ' Colleagues may take an offered conversation']),
    save);
  for (const input of [mode, cap, timeout, others, save]) { input.disabled = !isAdmin(); }
}
