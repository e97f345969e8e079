// Lip-sync and expression timeline. Cue events arrive before their audio chunk; they
// wait here until the chunk is scheduled, then become absolute audio-clock times
// (chunk start + offset / rate) and are applied when the clock reaches them, never on
// arrival, so the mouth follows the samples actually played.

const NEUTRAL_AFTER_S = 1.2; // how long an emotion lingers after the avatar stops talking

export class CueScheduler {
  constructor() {
    this.pending = new Map(); // "turn:seq" -> {visemes: [...], expressions: [...]}
    this.timeline = []; // {time, turn, kind: "viseme"|"expression", ...} sorted by time
    this.viseme = "sil";
    this.visemeWeight = 0;
    this.emotion = "neutral";
    this.intensity = 0;
    this.visemesSeen = new Set();
    this.emotionsSeen = new Set();
  }

  bucket(turn, seq) {
    const key = `${turn}:${seq}`;
    if (!this.pending.has(key)) this.pending.set(key, { visemes: [], expressions: [] });
    return this.pending.get(key);
  }

  addVisemes(event) {
    const bucket = this.bucket(event.turn, event.seq);
    for (const cue of event.cues) {
      bucket.visemes.push({ offset: cue.offset, rate: event.sample_rate, viseme: cue.viseme, weight: cue.weight ?? 1 });
    }
  }

  addExpression(event) {
    this.bucket(event.turn, event.seq).expressions.push({
      offset: event.offset, emotion: event.emotion, intensity: event.intensity ?? 1,
    });
  }

  /** The chunk (turn, seq) will play from `start` (audio clock) for `duration` seconds. */
  chunkScheduled(turn, seq, start, duration, sampleRate, last) {
    const key = `${turn}:${seq}`;
    const bucket = this.pending.get(key) || { visemes: [], expressions: [] };
    this.pending.delete(key);
    const items = [];
    for (const cue of bucket.visemes) {
      items.push({ time: start + cue.offset / cue.rate, turn, kind: "viseme", viseme: cue.viseme, weight: cue.weight });
    }
    for (const cue of bucket.expressions) {
      // Expression offsets are samples of the chunk itself, at its header's rate.
      items.push({ time: start + cue.offset / sampleRate, turn, kind: "expression", emotion: cue.emotion, intensity: cue.intensity });
    }
    // The mouth closes when the chunk's audio ends, unless the next chunk's cues (same
    // time, inserted later, so they sort after this one) open it again.
    items.push({ time: start + duration, turn, kind: "viseme", viseme: "sil", weight: 1 });
    if (last) items.push({ time: start + duration + NEUTRAL_AFTER_S, turn, kind: "expression", emotion: "neutral", intensity: 0 });
    for (const item of items) this.insert(item);
  }

  insert(item) {
    // Stable insert: after every item with the same time.
    let i = this.timeline.length;
    while (i > 0 && this.timeline[i - 1].time > item.time) i--;
    this.timeline.splice(i, 0, item);
  }

  /** Apply every cue due at audio time `now`; returns the current state. */
  tick(now) {
    let due = 0;
    while (due < this.timeline.length && this.timeline[due].time <= now) {
      const item = this.timeline[due++];
      if (item.kind === "viseme") {
        this.viseme = item.viseme;
        this.visemeWeight = item.viseme === "sil" ? 0 : item.weight;
        this.visemesSeen.add(item.viseme);
      } else {
        this.emotion = item.emotion;
        this.intensity = item.intensity;
        this.emotionsSeen.add(item.emotion);
      }
    }
    if (due) this.timeline.splice(0, due);
    return this.state();
  }

  state() {
    return { viseme: this.viseme, weight: this.visemeWeight, emotion: this.emotion, intensity: this.intensity };
  }

  /** Drop the pending and scheduled cues of an interrupted turn; the mouth closes. */
  flush(turn) {
    for (const key of [...this.pending.keys()]) if (key.startsWith(`${turn}:`)) this.pending.delete(key);
    this.timeline = this.timeline.filter((item) => item.turn !== turn);
    this.viseme = "sil";
    this.visemeWeight = 0;
  }

  flushAll() {
    this.pending.clear();
    this.timeline = [];
    this.viseme = "sil";
    this.visemeWeight = 0;
  }
}
