// The client side of one conversation: socket + protocol + speaker + lip-sync timeline.
// It turns server events into calls on a `view` (transcript, notices, state) and keeps
// the audio/cue bookkeeping the protocol asks for (playback reports, barge-in flush).

import { Connection, websocketUrl } from "./connection.js";
import { CueScheduler } from "./cues.js";
import { PlaybackScheduler } from "./playback.js";
import { client, decodeAudioChunk, decodeServerEvent, encodeClientMessage } from "./protocol.js";

const PLAYBACK_REPORT_MS = 250;

export class VoiceSession {
  constructor({ websocketPath, view, log = console }) {
    this.view = view;
    this.log = log;
    this.audioContext = new AudioContext({ latencyHint: "interactive" });
    this.cues = new CueScheduler();
    this.playback = new PlaybackScheduler(this.audioContext, {
      onTurnPlayed: (turn, played) => this.turnPlayed(turn, played),
    });
    this.ready = null; // the last `ready` event
    this.started = null; // {sampleRate, mode} once `start` went out on this socket
    this.wantedStart = null; // what to (re)send after each (re)connect
    this.interruptedTurns = new Set();
    this.counters = { badFrames: 0, ignoredEvents: 0, framesSent: 0, playbackReports: 0 };
    this.played = {}; // turn -> samples really played (last report), for the debug view
    this.lastEvents = [];
    this.connection = new Connection(websocketUrl(websocketPath), {
      onOpen: () => {},
      onText: (text) => this.onText(text),
      onBinary: (data) => this.onBinary(data),
      onState: (state, detail) => this.onConnectionState(state, detail),
      onFinalClose: (code, reason) => view.finalClose(code, reason),
    });
    this.reportTimer = setInterval(() => this.reportPlayback(), PLAYBACK_REPORT_MS);
  }

  connect() {
    this.connection.connect();
  }

  /** Browsers start audio suspended until a user gesture; call from any click. */
  resumeAudio() {
    if (this.audioContext.state === "suspended") this.audioContext.resume().catch(() => {});
  }

  send(message) {
    return this.connection.send(encodeClientMessage(message));
  }

  onConnectionState(state, detail) {
    if (state !== "open") {
      this.started = null;
      this.ready = null; // a new socket is a new session: wait for its own `ready`
      // Audio of the old socket's turn can no longer be reported or interrupted.
      this.playback.flushAll();
      this.cues.flushAll();
    }
    this.view.connectionState(state, detail);
  }

  /** Begin (or change) the mic stream: `start` now and after every reconnect. */
  startAudio(sampleRate, mode) {
    this.wantedStart = { sampleRate, mode };
    this.sendStartIfNeeded();
  }

  sendStartIfNeeded() {
    const want = this.wantedStart;
    if (!want || !this.ready || !this.connection.open) return false;
    if (this.started && this.started.sampleRate === want.sampleRate && this.started.mode === want.mode) return true;
    this.send(client.start(want.sampleRate, want.mode));
    this.started = { ...want };
    return true;
  }

  /** One 20 ms PCM16 frame from the microphone. */
  sendAudio(pcm) {
    if (!this.sendStartIfNeeded()) return false;
    if (this.connection.send(pcm)) this.counters.framesSent += 1;
    return true;
  }

  commit() {
    if (this.started) this.send(client.commit());
  }

  sendText(text) {
    return this.send(client.text(text));
  }

  /** The stop button: ask the server to cut the avatar off. */
  interrupt() {
    const [turn] = this.playback.activeTurns();
    if (turn === undefined) this.send(client.interrupt());
    else this.send(client.interrupt(turn, this.playback.playedSamples(turn)));
  }

  onText(text) {
    const decoded = decodeServerEvent(text);
    if (!decoded.ok) {
      // Garbage or a newer server's event type: log, never crash the page.
      this.counters.ignoredEvents += 1;
      this.log.warn("talk: ignored server frame", decoded.reason, decoded.type || text.slice(0, 200));
      return;
    }
    const event = decoded.event;
    this.lastEvents.push(event.type);
    if (this.lastEvents.length > 50) this.lastEvents.shift();
    try {
      this.handle(event);
    } catch (error) {
      this.log.error("talk: failed to handle", event.type, error);
    }
  }

  handle(event) {
    const { view } = this;
    switch (event.type) {
      case "ready":
        this.ready = event;
        this.interruptedTurns.clear();
        view.ready(event);
        this.sendStartIfNeeded();
        break;
      case "vad":
        view.vad(event.state);
        break;
      case "transcript":
        view.transcript(event);
        break;
      case "reply.delta":
        view.replyDelta(event);
        break;
      case "visemes":
        if (!this.interruptedTurns.has(event.turn)) this.cues.addVisemes(event);
        break;
      case "expression":
        if (!this.interruptedTurns.has(event.turn)) this.cues.addExpression(event);
        break;
      case "interrupted":
        this.flushTurn(event.turn);
        view.interrupted(event);
        break;
      case "turn.end":
        view.turnEnd(event);
        break;
      case "error":
        view.serverError(event);
        break;
      case "ended":
        view.ended(event);
        break;
      default:
        break; // pong and friends need no action
    }
  }

  onBinary(data) {
    const decoded = decodeAudioChunk(data);
    if (!decoded.ok) {
      this.counters.badFrames += 1;
      this.log.warn("talk: dropped audio frame", decoded.reason);
      return;
    }
    const chunk = decoded.chunk;
    if (this.interruptedTurns.has(chunk.turn)) return; // in flight when we flushed
    this.resumeAudio();
    const start = this.playback.enqueue(chunk);
    if (start === null) return;
    const duration = chunk.samples.length / chunk.sampleRate;
    this.cues.chunkScheduled(chunk.turn, chunk.seq, start, duration, chunk.sampleRate, chunk.last);
    this.view.speaking(chunk.turn);
  }

  /** `interrupted`: silence the turn now and tell the server what was really heard. */
  flushTurn(turn) {
    this.interruptedTurns.add(turn);
    const played = this.playback.flush(turn);
    this.played[turn] = played;
    this.cues.flush(turn);
    this.send(client.playback(turn, played));
    this.counters.playbackReports += 1;
    this.lastFlush = { turn, played, at: this.audioContext.currentTime };
  }

  turnPlayed(turn, played) {
    this.played[turn] = played;
    this.send(client.playback(turn, played));
    this.counters.playbackReports += 1;
    this.view.turnPlayed(turn);
  }

  reportPlayback() {
    for (const turn of this.playback.activeTurns()) {
      const played = this.playback.playedSamples(turn);
      this.played[turn] = played;
      if (played > 0 && this.send(client.playback(turn, played))) this.counters.playbackReports += 1;
    }
  }

  /** The lip-sync/expression state at this instant of the audio clock. */
  tick() {
    return this.cues.tick(this.audioContext.currentTime);
  }

  /** Leave the page: close the socket but keep the conversation open to continue later. */
  close() {
    clearInterval(this.reportTimer);
    this.connection.close();
  }

  /** Finish the conversation for good (the server answers `ended`). */
  end() {
    this.send(client.end());
  }
}
