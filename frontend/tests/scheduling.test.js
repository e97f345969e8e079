// Playback and cue timing against a fake AudioContext clock.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CueScheduler } from "../src/cues.js";
import { PlaybackScheduler } from "../src/playback.js";

class FakeSource {
  constructor(log) { this.log = log; this.onended = null; }
  connect() {}
  disconnect() {}
  start(at) { this.log.push(["start", at]); this.startedAt = at; }
  stop() { this.log.push(["stop"]); this.stopped = true; }
}

class FakeContext {
  constructor() { this.currentTime = 1; this.log = []; this.sources = []; this.destination = {}; }
  createGain() { return { connect() {} }; }
  createBuffer(channels, length) { return { getChannelData: () => new Float32Array(length) }; }
  createBufferSource() { const s = new FakeSource(this.log); this.sources.push(s); return s; }
}

const chunk = (turn, seq, count, last = false, sampleRate = 16000) =>
  ({ turn, seq, sampleRate, firstSample: seq * count, last, samples: new Int16Array(count) });

test("chunks play back to back on the audio clock, not on arrival", () => {
  const ctx = new FakeContext();
  const player = new PlaybackScheduler(ctx);
  const a = player.enqueue(chunk(3, 0, 1600)); // 100 ms
  ctx.currentTime += 0.02; // the second chunk arrives 20 ms later
  const b = player.enqueue(chunk(3, 1, 1600));
  assert.ok(Math.abs(b - (a + 0.1)) < 1e-9);
  assert.equal(player.scheduledChunks, 2);
});

test("played samples follow the clock and flush stops every source", () => {
  const ctx = new FakeContext();
  const player = new PlaybackScheduler(ctx);
  const start = player.enqueue(chunk(3, 0, 1600));
  player.enqueue(chunk(3, 1, 1600, true));
  ctx.currentTime = start + 0.15; // 1.5 chunks played
  assert.equal(player.playedSamples(3), 2400);
  assert.equal(player.flush(3), 2400);
  assert.ok(ctx.sources.every((s) => s.stopped));
  assert.equal(player.enqueue(chunk(3, 2, 1600)), null, "late audio of a flushed turn is dropped");
});

test("cues apply at chunk start + offset / rate and close the mouth at the end", () => {
  const cues = new CueScheduler();
  cues.addExpression({ turn: 3, seq: 0, offset: 0, emotion: "joy", intensity: 0.8 });
  cues.addVisemes({ turn: 3, seq: 0, sample_rate: 32000, cues: [
    { offset: 0, viseme: "sil", weight: 1 }, { offset: 1600, viseme: "oh", weight: 0.9 }, { offset: 8000, viseme: "aa" },
  ] });
  cues.chunkScheduled(3, 0, 10, 0.5, 32000, true);
  assert.equal(cues.tick(9.99).viseme, "sil");
  assert.equal(cues.tick(10.049).viseme, "sil");
  const open = cues.tick(10.05);
  assert.deepEqual([open.viseme, open.emotion], ["oh", "joy"]);
  assert.equal(cues.tick(10.25).viseme, "aa");
  assert.equal(cues.tick(10.5).viseme, "sil");
  assert.equal(cues.tick(20).emotion, "neutral");
});

test("the next chunk's first cue wins over the previous chunk's closing cue", () => {
  const cues = new CueScheduler();
  cues.addVisemes({ turn: 1, seq: 1, sample_rate: 16000, cues: [{ offset: 0, viseme: "ee" }] });
  cues.chunkScheduled(1, 0, 0, 1, 16000, false);
  cues.chunkScheduled(1, 1, 1, 1, 16000, true);
  assert.equal(cues.tick(1.0).viseme, "ee");
});

test("flush drops a turn's cues and closes the mouth", () => {
  const cues = new CueScheduler();
  cues.addVisemes({ turn: 5, seq: 0, sample_rate: 16000, cues: [{ offset: 0, viseme: "aa" }, { offset: 8000, viseme: "oh" }] });
  cues.chunkScheduled(5, 0, 0, 1, 16000, true);
  assert.equal(cues.tick(0.1).viseme, "aa");
  cues.flush(5);
  assert.equal(cues.tick(0.6).viseme, "sil");
});
