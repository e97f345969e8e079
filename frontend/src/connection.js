// The websocket to one conversation, with automatic reconnect (exponential back-off
// with jitter). Every new socket joins the same conversation id, so the server resumes
// it (ready.resumed). Decoding is left to the caller; this only moves frames.

import { FINAL_CLOSE_CODES } from "./protocol.js";

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;

/** ws:// or wss:// URL for `path`, matching the page (wss on https). */
export function websocketUrl(path, location = window.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export class Connection {
  constructor(url, { onOpen, onText, onBinary, onState, onFinalClose }) {
    this.url = url;
    this.handlers = { onOpen, onText, onBinary, onState, onFinalClose };
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.closedByUser = false;
    this.state = "idle";
    this.reconnects = 0;
  }

  setState(state, detail) {
    this.state = state;
    this.handlers.onState(state, detail);
  }

  connect() {
    this.closedByUser = false;
    clearTimeout(this.timer);
    this.setState(this.attempt ? "reconnecting" : "connecting");
    const socket = new WebSocket(this.url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      if (this.attempt) this.reconnects += 1;
      this.attempt = 0;
      this.setState("open");
      this.handlers.onOpen();
    };
    socket.onmessage = ({ data }) => {
      if (typeof data === "string") this.handlers.onText(data);
      else this.handlers.onBinary(data);
    };
    socket.onclose = (event) => this.closed(socket, event);
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    if (this.closedByUser || event.code === 1000) {
      this.setState("closed", { code: event.code });
      return;
    }
    if (FINAL_CLOSE_CODES.has(event.code)) {
      this.setState("closed", { code: event.code, reason: event.reason });
      this.handlers.onFinalClose(event.code, event.reason);
      return;
    }
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt += 1;
    this.setState("waiting", { code: event.code, delayMs: delay, attempt: this.attempt });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  get open() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(data) {
    if (!this.open) return false;
    this.socket.send(data);
    return true;
  }

  /** Drop the socket as if the network failed (debug hook; reconnect follows). */
  drop() {
    if (this.socket) this.socket.close(4000, "client dropped for a test");
  }

  close() {
    this.closedByUser = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close(1000);
  }
}
