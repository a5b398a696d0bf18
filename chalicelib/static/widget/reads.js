/*
 * Read receipts from the widget: how far the visitor has read, reported as {"action": "read", "seq": n}.
 *
 * A message counts as read only while the panel is open, the page is visible and the message is on
 * screen in the log (IntersectionObserver). Only a team member's message becoming visible triggers a
 * report (that is what "Seen" on the dashboard is about; bot conversations cost nothing extra), and
 * reports are throttled: at most one per THROTTLE_MS, carrying the highest seq seen so far. The server
 * stores a position only when it grows, so a repeated report changes nothing.
 */
const THROTTLE_MS = 1000;

export function startReadReceipts(panel, send) {
  if (typeof IntersectionObserver !== 'function') { return null; }
  let highest = 0;        // highest seq on screen so far
  let sent = 0;           // highest seq reported
  let humanSeen = false;  // a team member's message came on screen since the last report
  let timer = null;
  let lastAt = 0;

  function flush() {
    timer = null;
    if (!humanSeen || highest <= sent) { return; }
    if (send(highest)) {
      sent = highest;
      humanSeen = false;
      lastAt = Date.now();
    }
  }

  function schedule() {
    if (timer) { return; }
    timer = setTimeout(flush, Math.max(0, lastAt + THROTTLE_MS - Date.now()));
  }

  const io = new IntersectionObserver((entries) => {
    if (!panel.isOpen || document.visibilityState === 'hidden') { return; }
    for (const e of entries) {
      if (!e.isIntersecting) { continue; }
      const seq = Number(e.target.getAttribute('data-seq'));
      if (!Number.isFinite(seq) || seq <= 0) { continue; }
      if (seq > highest) { highest = seq; }
      if (e.target.classList.contains('hw-human') && seq > sent) { humanSeen = true; }
    }
    if (humanSeen && highest > sent) { schedule(); }
  }, { root: panel.log, threshold: 0.6 });

  function watch(node) {
    if (node.nodeType === 1 && node.matches('li[data-seq]')) { io.unobserve(node); io.observe(node); }
  }
  for (const node of panel.log.querySelectorAll('li[data-seq]')) { watch(node); }
  // New messages, and a pending message that got its seq (markSent re-inserts the node).
  new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) { watch(node); }
      if (r.type === 'attributes') { watch(r.target); }
    }
  }).observe(panel.log, { childList: true, attributes: true, attributeFilter: ['data-seq'], subtree: true });
  // Opening the panel or coming back to the tab: what is on screen now counts.
  const recheck = () => {
    if (!panel.isOpen || document.visibilityState === 'hidden') { return; }
    for (const node of panel.log.querySelectorAll('li.hw-human[data-seq]')) { io.unobserve(node); io.observe(node); }
  };
  document.addEventListener('visibilitychange', recheck);
  panel.launcher.addEventListener('click', () => setTimeout(recheck, 50));
  return { recheck };
}
