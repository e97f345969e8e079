// Page notices (mic denied, server unreachable, offline LLM, STT unavailable, errors):
// one element per key, so a repeated condition updates its message instead of stacking.

export class Notices {
  constructor(root) {
    this.root = root;
    this.timers = new Map();
  }

  /** Show (or replace) notice `key`; `level` is info|warn|error; hides after `ttlMs` if > 0. */
  show(key, level, message, ttlMs = 0) {
    let node = this.root.querySelector(`[data-notice="${key}"]`);
    if (!node) {
      node = document.createElement("div");
      node.dataset.notice = key;
      node.setAttribute("role", level === "error" ? "alert" : "status");
      this.root.append(node);
    }
    node.className = `notice ${level}`;
    node.textContent = message;
    clearTimeout(this.timers.get(key));
    if (ttlMs > 0) this.timers.set(key, setTimeout(() => this.hide(key), ttlMs));
  }

  hide(key) {
    clearTimeout(this.timers.get(key));
    this.root.querySelector(`[data-notice="${key}"]`)?.remove();
  }
}
