// The JS codec must parse every golden fixture the server and Unity tests parse.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { client, decodeAudioChunk, decodeServerEvent, encodeAudioChunk } from "../src/protocol.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../tests/fixtures/protocol");
const toArrayBuffer = (buf) => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);

test("every server fixture decodes to its own type", () => {
  const files = readdirSync(join(FIXTURES, "server")).filter((f) => f.endsWith(".json"));
  assert.ok(files.length >= 10);
  for (const file of files) {
    const text = readFileSync(join(FIXTURES, "server", file), "utf8");
    const decoded = decodeServerEvent(text);
    assert.equal(decoded.ok, true, `${file}: ${decoded.reason}`);
    assert.equal(decoded.event.type, JSON.parse(text).type);
  }
});

test("audio_chunk.bin decodes to what audio_chunk.json describes", () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, "audio_chunk.json"), "utf8"));
  const decoded = decodeAudioChunk(toArrayBuffer(readFileSync(join(FIXTURES, "audio_chunk.bin"))));
  assert.equal(decoded.ok, true);
  const { chunk } = decoded;
  assert.equal(chunk.version, expected.version);
  assert.equal(chunk.last, expected.last);
  assert.equal(chunk.turn, expected.turn);
  assert.equal(chunk.seq, expected.seq);
  assert.equal(chunk.sampleRate, expected.sample_rate);
  assert.equal(chunk.firstSample, expected.first_sample);
  assert.equal(chunk.samples.length, expected.pcm_samples);
  assert.deepEqual([...chunk.samples.slice(0, expected.first_samples.length)], expected.first_samples);
});

test("encodeAudioChunk round-trips", () => {
  const samples = new Int16Array([0, 1, -1, 32767, -32768]);
  const buffer = encodeAudioChunk({ turn: 9, seq: 4, sampleRate: 22050, firstSample: 100, last: false, samples });
  const { chunk } = decodeAudioChunk(buffer);
  assert.deepEqual([chunk.turn, chunk.seq, chunk.sampleRate, chunk.firstSample, chunk.last], [9, 4, 22050, 100, false]);
  assert.deepEqual([...chunk.samples], [...samples]);
});

test("bad binary headers are rejected, not thrown", () => {
  const good = toArrayBuffer(readFileSync(join(FIXTURES, "audio_chunk.bin")));
  assert.equal(decodeAudioChunk(new ArrayBuffer(5)).reason, "short_header");
  const badVersion = good.slice(0);
  new DataView(badVersion).setUint8(0, 2);
  assert.equal(decodeAudioChunk(badVersion).reason, "bad_version");
  assert.equal(decodeAudioChunk(good.slice(0, 21)).reason, "odd_length");
  const zeroRate = good.slice(0);
  new DataView(zeroRate).setUint32(12, 0, true);
  assert.equal(decodeAudioChunk(zeroRate).ok, false);
  assert.equal(decodeAudioChunk("nope").ok, false);
});

test("garbage and unknown events are rejected with a reason", () => {
  assert.equal(decodeServerEvent("{not json").reason, "bad_json");
  assert.equal(decodeServerEvent("[1,2]").reason, "no_type");
  assert.equal(decodeServerEvent('{"type": "future.thing"}').reason, "unknown_type");
  assert.equal(decodeServerEvent('{"type": "visemes", "turn": 1, "seq": 0, "sample_rate": 16000, "cues": [{"offset": 0, "viseme": "zz"}]}').reason, "invalid_event");
  assert.equal(decodeServerEvent('{"type": "reply.delta", "turn": "3", "text": "x"}').reason, "invalid_event");
  assert.equal(decodeServerEvent(null).ok, false);
});

test("client messages match the golden client fixtures", () => {
  const load = (name) => JSON.parse(readFileSync(join(FIXTURES, "client", `${name}.json`), "utf8"));
  assert.deepEqual(client.playback(3, 24000), load("playback"));
  assert.deepEqual(client.commit(), load("audio.commit"));
  assert.deepEqual(client.end(), load("end"));
  assert.deepEqual(Object.keys(client.start(16000, "hands_free")).sort(), Object.keys(load("start")).sort());
});

test("start/interrupt/text build exactly the golden messages", () => {
  const load = (name) => JSON.parse(readFileSync(join(FIXTURES, "client", `${name}.json`), "utf8"));
  assert.deepEqual(client.start(48000, "hands_free"), load("start"));
  assert.deepEqual(client.interrupt(3, 12000), load("interrupt"));
  assert.deepEqual(client.text("안녕! 오늘 날씨 어때?"), load("text"));
  assert.deepEqual(client.ping("p-42"), load("ping"));
});
