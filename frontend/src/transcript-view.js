// The live transcript: user utterances and streamed avatar replies, keyed by the
// protocol's turn numbers, plus per-answer latency and a 1–5 rating control.
// Text goes in through textContent only: nothing the model says is parsed as HTML.

const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

export class TranscriptView {
  constructor(root, { personaName, onRate }) {
    this.root = root;
    this.personaName = personaName;
    this.onRate = onRate;
    this.live = new Map(); // protocol turn number -> element
  }

  clear() {
    this.root.replaceChildren();
    this.live.clear();
  }

  scroll() {
    this.root.scrollTop = this.root.scrollHeight;
  }

  bubble(role, key) {
    if (key !== undefined && this.live.has(key)) return this.live.get(key);
    const turn = el("div", `turn ${role}`);
    turn.append(el("div", "meta", role === "user" ? "You" : this.personaName), el("div", "text"));
    this.root.append(turn);
    if (key !== undefined) this.live.set(key, turn);
    this.scroll();
    return turn;
  }

  /** Earlier turns from GET /api/conversations/<id>/ (already finished). */
  showHistory(turns) {
    this.clear();
    for (const t of turns) {
      const turn = this.bubble(t.role === "user" ? "user" : "assistant");
      turn.classList.add("earlier");
      const said = t.role === "assistant" && t.interrupted ? t.spoken_text || t.text : t.text;
      turn.querySelector(".text").textContent = said;
      if (t.role === "assistant") {
        this.finish(turn, { id: t.id, interrupted: t.interrupted, emotion: t.emotion,
          timings: { voice_to_voice_ms: t.voice_to_voice_ms }, rating: t.rating });
      }
    }
  }

  userText(turnNumber, text, final) {
    const turn = this.bubble("user", `u${turnNumber}`);
    turn.querySelector(".text").textContent = text;
    turn.classList.toggle("partial", !final);
    this.scroll();
  }

  replyDelta(turnNumber, text) {
    const turn = this.bubble("assistant", `a${turnNumber}`);
    turn.classList.add("streaming");
    turn.querySelector(".text").textContent += text;
    this.scroll();
  }

  turnEnd(event) {
    const turn = this.bubble("assistant", `a${event.turn}`);
    turn.classList.remove("streaming");
    if (event.text !== undefined) turn.querySelector(".text").textContent = event.text;
    this.finish(turn, event);
    this.scroll();
  }

  finish(turn, { id, interrupted, emotion, timings, rating }) {
    const meta = turn.querySelector(".meta");
    if (emotion && emotion !== "neutral") meta.append(el("span", "emotion", ` · ${emotion}`));
    if (interrupted) meta.append(el("span", "interrupted", " · interrupted"));
    const v2v = timings && timings.voice_to_voice_ms;
    if (typeof v2v === "number") {
      const latency = el("span", "latency", ` · ${Math.round(v2v)} ms`);
      latency.title = Object.entries(timings)
        .filter(([, v]) => typeof v === "number")
        .map(([k, v]) => `${k.replace(/_ms$/, "")}: ${Math.round(v)} ms`)
        .join("\n");
      meta.append(latency);
    }
    if (typeof id === "number" && !turn.querySelector(".rating")) turn.append(this.ratingControl(id, rating));
  }

  ratingControl(turnId, rating) {
    const form = el("form", "rating");
    form.dataset.turnId = String(turnId);
    let score = rating ? rating.score : 0;
    const stars = el("span", "stars");
    const paint = () => stars.querySelectorAll("button").forEach((b, i) => b.classList.toggle("on", i < score));
    for (let value = 1; value <= 5; value++) {
      const star = el("button", "star", "★");
      star.type = "button";
      star.dataset.score = String(value);
      star.title = `${value} / 5`;
      star.setAttribute("aria-label", `${value} stars`);
      star.addEventListener("click", () => {
        score = value;
        paint();
        form.classList.add("open");
      });
      stars.append(star);
    }
    const comment = el("input", "comment");
    comment.name = "comment";
    comment.maxLength = 2000;
    comment.placeholder = "Comment (optional)";
    comment.value = rating ? rating.comment : "";
    const save = el("button", "save", rating ? "Update" : "Rate");
    save.type = "submit";
    const status = el("span", "status muted");
    form.append(stars, comment, save, status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!score) {
        status.textContent = "Pick 1–5 stars first.";
        return;
      }
      status.textContent = "Saving…";
      try {
        await this.onRate(turnId, score, comment.value);
        status.textContent = "Saved";
        form.classList.add("saved");
        save.textContent = "Update";
      } catch (error) {
        status.textContent = `Not saved: ${error.message}`;
      }
    });
    paint();
    return form;
  }
}
