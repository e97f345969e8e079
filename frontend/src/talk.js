// The talk page: wires the avatar, microphone, voice session and transcript together.
// Markup lives in conversations/templates/conversations/talk.html; config comes from
// the json_script "talk-config" the Django view renders.

import "./talk.css";
import { Api } from "./api.js";
import { CanvasAvatar } from "./avatar2d.js";
import { CAPTURE_SAMPLE_RATE, MicCapture, MicDeniedError } from "./capture.js";
import { installDebugHook } from "./debug.js";
import { Notices } from "./notices.js";
import { TranscriptView } from "./transcript-view.js";
import { VoiceSession } from "./voice-session.js";

const $ = (id) => document.getElementById(id);

const STATUS_TEXT = {
  loading: "Loading…",
  connecting: "Connecting…",
  idle: "Ready",
  listening: "Listening…",
  thinking: "Thinking…",
  speaking: "Speaking",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

class TalkPage {
  constructor(config) {
    this.config = config;
    this.root = $("talk-app");
    this.state = "loading";
    this.mode = "hands_free";
    this.muted = false;
    this.holding = false;
    this.notices = new Notices($("talk-notices"));
    this.api = new Api(config.apiBase, this.root.querySelector("[name=csrfmiddlewaretoken]")?.value || "");
    this.turns = new TranscriptView($("talk-transcript"), {
      personaName: config.persona.name,
      onRate: (id, score, comment) => this.api.rateTurn(id, score, comment),
    });
    this.canvas = $("talk-avatar");
    this.avatar = new CanvasAvatar(this.canvas, { style: config.persona.avatar?.style, name: config.persona.name });
    this.avatarKind = "canvas";
    this.mic = new MicCapture({
      workletUrl: this.root.dataset.workletUrl,
      onFrame: (pcm) => this.micFrame(pcm),
      onLevel: (peak) => ($("talk-level").style.width = `${Math.min(100, peak * 140)}%`),
    });
    this.session = new VoiceSession({ websocketPath: config.websocketPath, view: this });
    this.connectedOnce = false;
  }

  async start() {
    this.bindControls();
    this.loop();
    this.loadVrmIfAny();
    await this.loadHistory();
    this.session.connect();
  }

  setState(state) {
    this.state = state;
    this.root.dataset.state = state;
    $("talk-status").textContent = STATUS_TEXT[state] || state;
    this.avatar.listening = state === "listening";
  }

  async loadHistory() {
    try {
      const data = await this.api.conversation(this.config.conversationId);
      this.turns.showHistory(data.turns || []);
    } catch (error) {
      this.notices.show("history", "error", `Earlier turns could not be loaded: ${error.message}`);
    }
  }

  async loadVrmIfAny() {
    const url = this.config.persona.avatar?.vrm_url;
    if (!url) return;
    try {
      // Lazy: three.js is only downloaded for personas that have a VRM model.
      const { loadVrmAvatar } = await import("./avatar-vrm.js");
      const canvas = document.createElement("canvas");
      canvas.id = "talk-avatar-3d";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", this.canvas.getAttribute("aria-label") || "");
      const vrm = await loadVrmAvatar(canvas, url);
      this.canvas.replaceWith(canvas);
      this.canvas = canvas;
      this.avatar = vrm;
      this.avatarKind = "vrm";
    } catch (error) {
      console.warn("talk: VRM avatar failed, using the built-in one", error);
      this.avatarError = String(error && error.message ? error.message : error);
      this.notices.show("vrm", "warn", "The 3D avatar could not be loaded; showing the built-in one.");
    }
  }

  loop() {
    const frame = (ms) => {
      const pose = this.session.tick();
      this.pose = pose;
      this.avatar.setState(pose);
      this.avatar.draw(ms / 1000);
      if (this.state === "speaking" && !this.session.playback.playing && pose.viseme === "sil") this.setState("idle");
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  bindControls() {
    const gesture = () => this.session.resumeAudio();
    document.addEventListener("pointerdown", gesture, { capture: true });
    document.addEventListener("keydown", gesture, { capture: true });
    $("talk-mode-hands-free").addEventListener("click", () => this.setMode("hands_free"));
    $("talk-mode-ptt").addEventListener("click", () => this.setMode("push_to_talk"));
    const micButton = $("talk-mic");
    micButton.addEventListener("click", () => {
      if (this.mode === "hands_free") this.toggleMic();
    });
    micButton.addEventListener("pointerdown", (event) => {
      if (this.mode !== "push_to_talk") return;
      micButton.setPointerCapture?.(event.pointerId);
      this.pressToTalk();
    });
    for (const name of ["pointerup", "pointercancel"]) {
      micButton.addEventListener(name, () => this.mode === "push_to_talk" && this.releaseToTalk());
    }
    $("talk-mute").addEventListener("click", () => this.setMuted(!this.muted));
    $("talk-stop").addEventListener("click", () => this.session.interrupt());
    $("talk-text-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("talk-text");
      const text = input.value.trim();
      if (!text) return;
      if (!this.session.sendText(text)) {
        this.notices.show("send", "error", "Not connected: the message was not sent.");
        return;
      }
      this.notices.hide("send");
      input.value = "";
      this.setState("thinking");
    });
    window.addEventListener("pagehide", () => this.session.close());
  }

  setMode(mode) {
    this.mode = mode;
    $("talk-mode-hands-free").setAttribute("aria-pressed", String(mode === "hands_free"));
    $("talk-mode-ptt").setAttribute("aria-pressed", String(mode === "push_to_talk"));
    $("talk-hint").textContent = mode === "hands_free"
      ? "Hands-free: just talk, the avatar answers when you pause."
      : "Push-to-talk: hold the button while you speak, release to send.";
    this.updateMicButton();
    if (this.mic.running) this.session.startAudio(CAPTURE_SAMPLE_RATE, mode);
  }

  async ensureMic() {
    if (this.mic.running) return true;
    try {
      await this.mic.start();
      this.notices.hide("mic");
      this.session.startAudio(CAPTURE_SAMPLE_RATE, this.mode);
      $("talk-mute").disabled = false;
      return true;
    } catch (error) {
      const denied = error instanceof MicDeniedError;
      this.notices.show("mic", "error", denied
        ? "Microphone access was denied. Allow it in the browser's site settings, or type below."
        : `${error.message} You can type below.`);
      this.root.dataset.mic = denied ? "denied" : "unavailable";
      return false;
    } finally {
      this.updateMicButton();
    }
  }

  async toggleMic() {
    if (this.mic.running) {
      await this.mic.stop();
      $("talk-mute").disabled = true;
    } else {
      await this.ensureMic();
    }
    this.updateMicButton();
  }

  async pressToTalk() {
    this.holding = true;
    this.updateMicButton();
    if (!(await this.ensureMic())) this.holding = false;
  }

  releaseToTalk() {
    if (!this.holding) return;
    this.holding = false;
    this.session.commit();
    this.updateMicButton();
  }

  setMuted(muted) {
    this.muted = muted;
    $("talk-mute").setAttribute("aria-pressed", String(muted));
    $("talk-mute").textContent = muted ? "Unmute" : "Mute";
    this.updateMicButton();
  }

  updateMicButton() {
    const button = $("talk-mic");
    const on = this.mic.running;
    const live = on && !this.muted && (this.mode === "hands_free" || this.holding);
    button.setAttribute("aria-pressed", String(live));
    button.classList.toggle("live", live);
    if (this.mode === "push_to_talk") button.textContent = this.holding ? "Talking… release to send" : "Hold to talk";
    else button.textContent = on ? (this.muted ? "Microphone muted" : "Microphone on") : "Start microphone";
    this.root.dataset.mic = on ? (this.muted ? "muted" : "on") : this.root.dataset.mic === "denied" ? "denied" : "off";
  }

  micFrame(pcm) {
    if (this.muted) return;
    if (this.mode === "push_to_talk" && !this.holding) return;
    this.session.sendAudio(pcm);
  }

  // ---- view callbacks from the VoiceSession ----

  connectionState(state, detail = {}) {
    const badge = $("talk-connection");
    badge.dataset.state = state;
    const labels = { connecting: "Connecting…", reconnecting: "Reconnecting…", open: "Connected", closed: "Disconnected" };
    if (state === "waiting") {
      badge.textContent = `Offline — retrying in ${Math.ceil(detail.delayMs / 1000)} s`;
      this.notices.show("connection", "error", this.connectedOnce
        ? "The connection to the server was lost. Reconnecting…"
        : "The server is unreachable. Retrying…");
      this.setState("reconnecting");
    } else {
      badge.textContent = labels[state] || state;
    }
    if (state === "open") this.notices.hide("connection");
    if (state === "closed") this.setState("closed");
  }

  ready(event) {
    const resumedAfterDrop = this.connectedOnce;
    this.connectedOnce = true;
    this.setState("idle");
    if (event.llm && event.llm.offline) {
      this.notices.show("llm", "warn", "Offline mode: no language model is configured, a labelled stand-in answers.");
    } else this.notices.hide("llm");
    if (event.stt && event.stt.available === false) {
      this.notices.show("stt", "warn", `Speech recognition is unavailable${event.stt.message ? ` (${event.stt.message})` : ""}. Type your messages instead.`);
    } else this.notices.hide("stt");
    // Turns may have finished while we were away: reload them from the database.
    if (resumedAfterDrop) this.loadHistory();
  }

  vad(state) {
    if (state === "start") this.setState("listening");
    else if (this.state === "listening") this.setState("thinking");
  }

  transcript(event) {
    this.turns.userText(event.turn, event.text, event.final !== false);
    if (event.final !== false && this.state !== "speaking") this.setState("thinking");
  }

  replyDelta(event) {
    this.turns.replyDelta(event.turn, event.text);
  }

  speaking() {
    this.setState("speaking");
  }

  turnPlayed() {}

  interrupted() {
    this.setState(this.state === "speaking" ? "listening" : this.state);
  }

  turnEnd(event) {
    this.turns.turnEnd(event);
    if (this.state === "thinking") this.setState("idle");
  }

  serverError(event) {
    const level = event.fatal ? "error" : "warn";
    if (event.code === "stt_unavailable") this.notices.show("stt", "warn", event.message);
    else this.notices.show(`error-${event.code}`, level, event.message, event.fatal ? 0 : 8000);
    if (this.state === "thinking") this.setState("idle");
  }

  ended() {
    this.notices.show("ended", "info", "This conversation has ended.");
  }

  finalClose(code) {
    const why = { 4401: "You are not logged in any more.", 4403: "This conversation is not yours.",
      4404: "This conversation does not exist.", 4409: "This conversation has ended." };
    this.notices.show("connection", "error", `${why[code] || "The server closed the connection."} (code ${code})`);
  }
}

const configElement = document.getElementById("talk-config");
if (configElement) {
  const page = new TalkPage(JSON.parse(configElement.textContent));
  installDebugHook(page);
  page.start();
}
