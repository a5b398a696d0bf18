/*
 * Transcript: the stored messages of one conversation a client has seen, by seq.
 *
 * The one place that knows the protocol's delivery rules (README, "Nothing lost, nothing twice"):
 *  - every stored message carries a gap-free per-conversation `seq`; a message is shown once,
 *    however often it arrives (live event, replay, both sockets during a switch-over, an ack);
 *  - the watermark is the highest seq such that every seq up to it has been seen: a client resumes
 *    (`resume`/`open` with `after`) from there;
 *  - a replay (socket `history` events, or REST pages) that is complete has delivered every seq up to
 *    the highest one it carried: a seq it skipped is not visible to this client, so the watermark
 *    moves past it.
 *  - chained (the visitor's widget): a message after hidden numbers carries `prev_seq`, the previous seq this client may see
 *    (numbers in between went to operators' internal notes). Once everything up to `prev_seq` is seen,
 *    the watermark moves to the message itself: hidden numbers are never taken for lost messages, and a
 *    message whose predecessor never came still holds the watermark back (a real gap, replayed on resume).
 */

export class Transcript {
  constructor(saved, options) {
    this.chained = !!(options && options.chained);
    this.next = new Map();       // chained: prev_seq -> seq of the message that follows it
    this.messages = new Map();   // seq -> message
    this.watermark = 0;          // every seq <= watermark has been seen
    this.replayMax = 0;          // highest seq of the replay under way (a long one comes in several events)
    if (saved) {
      this.watermark = Number(saved.watermark) || 0;
      for (const m of saved.messages || []) { this.add(m); }
    }
  }

  static isStored(m) {
    return !!m && typeof m.seq === 'number' && isFinite(m.seq);
  }

  seen(seq) {
    return seq <= this.watermark || this.messages.has(seq);
  }

  /* Keep a stored message once. True when it was new (the caller shows it). */
  add(m) {
    if (!Transcript.isStored(m) || this.messages.has(m.seq)) { return false; }
    const known = m.seq <= this.watermark;   // seen before (say, trimmed from a saved transcript)
    this.messages.set(m.seq, m);
    if (this.chained && typeof m.prev_seq === 'number' && m.prev_seq < m.seq) { this.next.set(m.prev_seq, m.seq); }
    this._advance();
    return !known;
  }

  /* Messages of a replay. Returns the ones that were new. */
  replay(messages, complete) {
    const added = [];
    for (const m of messages || []) {
      if (Transcript.isStored(m) && m.seq > this.replayMax) { this.replayMax = m.seq; }
      if (this.add(m)) { added.push(m); }
    }
    if (complete) {
      if (this.replayMax > this.watermark) { this.watermark = this.replayMax; }
      this.replayMax = 0;
      this._advance();
    }
    return added;
  }

  /* Every message kept, in seq order. */
  list() {
    return Array.from(this.messages.values()).sort((a, b) => a.seq - b.seq);
  }

  get size() {
    return this.messages.size;
  }

  /* What to keep across a reload: the watermark and the last `limit` messages. */
  snapshot(limit) {
    return { watermark: this.watermark, messages: this.list().slice(-limit) };
  }

  /* Forget all but the last `limit` messages (they stay "seen": they are under the watermark). */
  trim(limit) {
    if (this.messages.size <= limit) { return; }
    for (const m of this.list().slice(0, this.messages.size - limit)) {
      if (m.seq <= this.watermark) { this.messages.delete(m.seq); }
    }
  }

  _advance() {
    for (;;) {
      if (this.messages.has(this.watermark + 1)) {
        this.watermark += 1;
      } else if (!this.chained || !this._skipHidden()) {
        return;
      }
    }
  }

  /* Chained: a kept message whose predecessor is seen moves the watermark to itself. */
  _skipHidden() {
    for (const [prev, seq] of this.next) {
      if (prev > this.watermark) { continue; }
      this.next.delete(prev);
      if (seq > this.watermark) { this.watermark = seq; return true; }
    }
    return false;
  }
}
