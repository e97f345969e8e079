// Realtime protocol v1 codec (docs/protocol.md), sans-I/O: frames in, events out.
// It never throws on bad input: the server is trusted but the wire is not, so garbage
// becomes {ok: false, reason} and the caller logs it and carries on.

export const PROTOCOL_VERSION = 1;
export const AUDIO_HEADER_BYTES = 20;
export const MAX_SERVER_AUDIO_FRAME_BYTES = 1 << 20;
export const VISEMES = ["sil", "aa", "ih", "ou", "ee", "oh", "pp", "ff", "ss"];
// Close codes after which reconnecting cannot help (docs/protocol.md, Close codes).
export const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404, 4409]);

const isInt = (v) => Number.isInteger(v);
const isNonNegInt = (v) => Number.isInteger(v) && v >= 0;
const isStr = (v) => typeof v === "string";
const isNum = (v) => typeof v === "number" && Number.isFinite(v);
const isBool = (v) => typeof v === "boolean";
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function validCue(cue) {
  return isObj(cue) && isNonNegInt(cue.offset) && VISEMES.includes(cue.viseme) &&
    (cue.weight === undefined || (isNum(cue.weight) && cue.weight >= 0 && cue.weight <= 1));
}

// Required fields per server event type; optional fields are checked where used.
const CHECKS = {
  ready: (e) => e.protocol === PROTOCOL_VERSION && isInt(e.conversation) && isObj(e.persona) &&
    isStr(e.persona.name) && Array.isArray(e.visemes),
  vad: (e) => (e.state === "start" || e.state === "end") && isNum(e.at_ms),
  transcript: (e) => isNonNegInt(e.turn) && isStr(e.text) && (e.final === undefined || isBool(e.final)),
  "reply.delta": (e) => isNonNegInt(e.turn) && isStr(e.text),
  expression: (e) => isNonNegInt(e.turn) && isNonNegInt(e.seq) && isNonNegInt(e.offset) &&
    isStr(e.emotion) && (e.intensity === undefined || isNum(e.intensity)),
  visemes: (e) => isNonNegInt(e.turn) && isNonNegInt(e.seq) && isInt(e.sample_rate) && e.sample_rate > 0 &&
    Array.isArray(e.cues) && e.cues.every(validCue),
  "turn.end": (e) => isNonNegInt(e.turn) && (e.id === undefined || isInt(e.id)) &&
    (e.timings === undefined || isObj(e.timings)),
  interrupted: (e) => isNonNegInt(e.turn) && isStr(e.reason),
  error: (e) => isStr(e.code) && isStr(e.message) && (e.fatal === undefined || isBool(e.fatal)),
  pong: (e) => e.id === undefined || isStr(e.id) || isInt(e.id),
  ended: (e) => e.conversation === undefined || isInt(e.conversation),
};

export const KNOWN_EVENT_TYPES = Object.keys(CHECKS);

/** Decode one text frame into {ok, event} | {ok: false, reason}; unknown types are "unknown". */
export function decodeServerEvent(text) {
  if (typeof text !== "string") return { ok: false, reason: "not_text" };
  let event;
  try {
    event = JSON.parse(text);
  } catch {
    return { ok: false, reason: "bad_json" };
  }
  if (!isObj(event) || !isStr(event.type)) return { ok: false, reason: "no_type" };
  const check = CHECKS[event.type];
  // Newer servers may add event types within v1: clients must ignore them.
  if (!check) return { ok: false, reason: "unknown_type", type: event.type };
  if (!check(event)) return { ok: false, reason: "invalid_event", type: event.type };
  return { ok: true, event };
}

/** Decode one binary frame (ArrayBuffer) into an audio chunk, or {ok: false, reason}. */
export function decodeAudioChunk(buffer) {
  if (!(buffer instanceof ArrayBuffer)) return { ok: false, reason: "not_binary" };
  const size = buffer.byteLength;
  if (size < AUDIO_HEADER_BYTES) return { ok: false, reason: "short_header" };
  if (size > MAX_SERVER_AUDIO_FRAME_BYTES) return { ok: false, reason: "too_large" };
  if ((size - AUDIO_HEADER_BYTES) % 2 !== 0) return { ok: false, reason: "odd_length" };
  const view = new DataView(buffer);
  const version = view.getUint8(0);
  if (version !== 1) return { ok: false, reason: "bad_version" };
  const flags = view.getUint8(1);
  const sampleRate = view.getUint32(12, true);
  if (sampleRate < 8000 || sampleRate > 192000) return { ok: false, reason: "bad_sample_rate" };
  const count = (size - AUDIO_HEADER_BYTES) / 2;
  const samples = new Int16Array(count);
  // Copy through the DataView: the PCM may start at an unaligned offset and must be LE.
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(AUDIO_HEADER_BYTES + 2 * i, true);
  return {
    ok: true,
    chunk: {
      version,
      flags,
      last: (flags & 1) === 1,
      turn: view.getUint32(4, true),
      seq: view.getUint32(8, true),
      sampleRate,
      firstSample: view.getUint32(16, true),
      samples,
    },
  };
}

/** Build a server-style audio frame (used by tests and the debug hooks). */
export function encodeAudioChunk({ turn, seq, sampleRate, firstSample, last, samples }) {
  const buffer = new ArrayBuffer(AUDIO_HEADER_BYTES + samples.length * 2);
  const view = new DataView(buffer);
  view.setUint8(0, 1);
  view.setUint8(1, last ? 1 : 0);
  view.setUint32(4, turn, true);
  view.setUint32(8, seq, true);
  view.setUint32(12, sampleRate, true);
  view.setUint32(16, firstSample, true);
  samples.forEach((s, i) => view.setInt16(AUDIO_HEADER_BYTES + 2 * i, s, true));
  return buffer;
}

// Client messages: small constructors so the field names live in one place.
export const client = {
  start: (sampleRate, mode) => ({
    type: "start",
    protocol: PROTOCOL_VERSION,
    audio: { encoding: "pcm_s16le", sample_rate: sampleRate, channels: 1 },
    mode,
    client: "web/1.0",
  }),
  text: (text) => ({ type: "text", text }),
  commit: () => ({ type: "audio.commit" }),
  interrupt: (turn, playedSamples) =>
    turn === undefined ? { type: "interrupt" } : { type: "interrupt", turn, played_samples: playedSamples },
  playback: (turn, playedSamples) => ({ type: "playback", turn, played_samples: Math.max(0, Math.floor(playedSamples)) }),
  end: () => ({ type: "end" }),
  ping: (id) => ({ type: "ping", id }),
};

export const encodeClientMessage = (message) => JSON.stringify(message);
