// Gap-free playback of the server's audio chunks on the AudioContext clock.
// Each chunk starts exactly where the previous one ends (not when it arrived), so the
// returned start time is the clock every viseme/expression of that chunk is tied to.

// Scheduling this far ahead of "now" after an underrun avoids clicks from a chunk
// whose first samples would already be in the past when the audio thread sees it.
const START_LEAD_S = 0.05;

export class PlaybackScheduler {
  constructor(context, { onTurnPlayed } = {}) {
    this.context = context;
    this.onTurnPlayed = onTurnPlayed || (() => {});
    this.queueEnd = 0;
    this.entries = []; // {turn, seq, start, end, count, sampleRate, source, last}
    this.scheduledChunks = 0;
    this.flushedTurns = new Set();
    this.output = context.createGain();
    this.output.connect(context.destination);
  }

  /** Queue one decoded chunk; returns its audio-clock start time, or null if dropped. */
  enqueue(chunk) {
    if (this.flushedTurns.has(chunk.turn)) return null; // late audio of an interrupted turn
    const { context } = this;
    const count = chunk.samples.length;
    const now = context.currentTime;
    const start = Math.max(now + START_LEAD_S, this.queueEnd);
    const duration = count / chunk.sampleRate;
    const entry = { turn: chunk.turn, seq: chunk.seq, start, end: start + duration, count,
      sampleRate: chunk.sampleRate, source: null, last: chunk.last, done: false };
    if (count > 0) {
      const buffer = context.createBuffer(1, count, chunk.sampleRate);
      const data = buffer.getChannelData(0);
      for (let i = 0; i < count; i++) data[i] = chunk.samples[i] / 32768;
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(this.output);
      source.onended = () => this.finished(entry);
      source.start(start);
      entry.source = source;
    } else {
      queueMicrotask(() => this.finished(entry));
    }
    this.entries.push(entry);
    this.queueEnd = entry.end;
    this.scheduledChunks += 1;
    return start;
  }

  finished(entry) {
    entry.done = true;
    if (entry.last && !this.flushedTurns.has(entry.turn)) {
      this.onTurnPlayed(entry.turn, this.playedSamples(entry.turn));
    }
    // Keep the entries of the turn until it is over: played-sample counts need them.
    if (entry.last) this.entries = this.entries.filter((e) => e.turn !== entry.turn);
  }

  /** Samples of `turn` that have really been played by now (at the chunks' rate). */
  playedSamples(turn, now = this.context.currentTime) {
    let played = 0;
    for (const e of this.entries) {
      if (e.turn !== turn) continue;
      if (e.stoppedAt !== undefined) now = Math.min(now, e.stoppedAt);
      if (now <= e.start) continue;
      played += Math.min(e.count, Math.round((now - e.start) * e.sampleRate));
    }
    return played;
  }

  /** Turns that still have audio queued or playing. */
  activeTurns() {
    return [...new Set(this.entries.filter((e) => !e.done).map((e) => e.turn))];
  }

  get playing() {
    return this.queueEnd > this.context.currentTime && this.entries.some((e) => !e.done);
  }

  /** Stop every scheduled source of `turn` now; returns the samples that were played. */
  flush(turn) {
    const now = this.context.currentTime;
    const played = this.playedSamples(turn, now);
    this.flushedTurns.add(turn);
    for (const e of this.entries) {
      if (e.turn !== turn) continue;
      e.stoppedAt = now;
      e.done = true;
      if (e.source) {
        e.source.onended = null;
        try {
          e.source.stop();
        } catch {
          // never started or already stopped: nothing to silence
        }
        e.source.disconnect();
      }
    }
    this.entries = this.entries.filter((e) => e.turn !== turn);
    const rest = this.entries.filter((e) => !e.done);
    this.queueEnd = rest.length ? Math.max(...rest.map((e) => e.end)) : now;
    return played;
  }

  /** Stop everything (e.g. the socket dropped). */
  flushAll() {
    for (const turn of new Set(this.entries.map((e) => e.turn))) this.flush(turn);
  }
}
