// A small read-only view of the page's state on window.__talk, for the browser tests
// and for people debugging lip sync in DevTools. It exposes numbers, not controls,
// except drop(), which simulates a network failure to exercise reconnecting.

import { decodeAudioChunk, decodeServerEvent } from "./protocol.js";

export function installDebugHook(page) {
  const session = page.session;
  const hook = {
    get state() { return page.state; },
    get connection() { return session.connection.state; },
    get reconnects() { return session.connection.reconnects; },
    get conversation() { return session.ready ? session.ready.conversation : null; },
    get resumed() { return session.ready ? Boolean(session.ready.resumed) : null; },
    get audioTime() { return session.audioContext.currentTime; },
    get audioState() { return session.audioContext.state; },
    get scheduledChunks() { return session.playback.scheduledChunks; },
    get playing() { return session.playback.playing; },
    get playedSamples() { return Object.values(session.played).reduce((a, b) => a + b, 0); },
    get playedByTurn() { return { ...session.played }; },
    get currentViseme() { return page.pose ? page.pose.viseme : "sil"; },
    get currentEmotion() { return page.pose ? page.pose.emotion : "neutral"; },
    get visemesSeen() { return [...session.cues.visemesSeen]; },
    get emotionsSeen() { return [...session.cues.emotionsSeen]; },
    get avatar() { return page.avatarKind; },
    get avatarError() { return page.avatarError || null; },
    // VRM only (null for the built-in avatar): expression weights and morph influences.
    get avatarWeights() { return page.avatar.debugWeights ? page.avatar.debugWeights() : null; },
    get avatarMorphs() { return page.avatar.debugMorphs ? page.avatar.debugMorphs() : null; },
    get mic() { return page.root.dataset.mic || "off"; },
    get micFramesCaptured() { return page.mic.framesCaptured; },
    get activeTurns() { return session.playback.activeTurns(); },
    get counters() { return { ...session.counters }; },
    get lastFlush() { return session.lastFlush || null; },
    get lastEvents() { return [...session.lastEvents]; },
    // Let tests feed raw frames through the real decoders and handlers.
    decodeServerEvent,
    decodeAudioChunk,
    receiveText: (text) => session.onText(text),
    receiveBinary: (buffer) => session.onBinary(buffer),
    drop: () => session.connection.drop(),
  };
  Object.defineProperty(window, "__talk", { value: Object.freeze(hook), configurable: false });
}
