// The built-in avatar, drawn on a canvas with no external asset: a face with a mouth
// shape per viseme, blinking, idle sway and an expression per emotion. Styles
// ("default", "cat", "robot") only change decorations, so every persona lip-syncs alike.

import { Blinker } from "./blink.js";

// Mouth geometry per viseme, in face-radius units: width, opening height, roundness
// (0 wide .. 1 round), teeth visible, lips pressed, lower lip tucked (f/v).
export const MOUTH_SHAPES = {
  sil: { w: 0.30, h: 0.00, round: 0.0, teeth: false, pressed: false, tuck: false },
  aa: { w: 0.34, h: 0.26, round: 0.3, teeth: false, pressed: false, tuck: false },
  ih: { w: 0.38, h: 0.08, round: 0.0, teeth: true, pressed: false, tuck: false },
  ou: { w: 0.14, h: 0.12, round: 1.0, teeth: false, pressed: false, tuck: false },
  ee: { w: 0.36, h: 0.14, round: 0.1, teeth: true, pressed: false, tuck: false },
  oh: { w: 0.22, h: 0.20, round: 0.9, teeth: false, pressed: false, tuck: false },
  pp: { w: 0.26, h: 0.00, round: 0.0, teeth: false, pressed: true, tuck: false },
  ff: { w: 0.30, h: 0.06, round: 0.0, teeth: true, pressed: false, tuck: true },
  ss: { w: 0.36, h: 0.04, round: 0.0, teeth: true, pressed: false, tuck: false },
};

// Per emotion: brow tilt (+ = inner end up, worried) and height, eye openness, mouth
// curve (+ smile), blush, eye style.
export const EXPRESSIONS = {
  neutral: { browTilt: 0, browY: 0, eyeOpen: 1, curve: 0.03, blush: 0, happyEyes: false },
  joy: { browTilt: 0, browY: 0.03, eyeOpen: 1, curve: 0.10, blush: 0.6, happyEyes: true },
  relaxed: { browTilt: 0, browY: 0.01, eyeOpen: 0.7, curve: 0.06, blush: 0.3, happyEyes: false },
  sad: { browTilt: 0.35, browY: 0.0, eyeOpen: 0.75, curve: -0.08, blush: 0, happyEyes: false },
  angry: { browTilt: -0.45, browY: -0.04, eyeOpen: 0.85, curve: -0.06, blush: 0.25, happyEyes: false },
  surprised: { browTilt: 0.1, browY: 0.10, eyeOpen: 1.35, curve: 0.0, blush: 0, happyEyes: false },
};

const lerp = (a, b, t) => a + (b - a) * t;

export class CanvasAvatar {
  constructor(canvas, { style = "default", name = "" } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.style = style;
    this.name = name;
    this.mouth = { ...MOUTH_SHAPES.sil };
    this.face = { ...EXPRESSIONS.neutral };
    this.target = { viseme: "sil", weight: 0, emotion: "neutral", intensity: 0 };
    this.blinker = new Blinker(1.5);
    this.listening = false;
  }

  /** Set the pose to reach: {viseme, weight, emotion, intensity}. */
  setState(state) {
    this.target = state;
  }

  /** Draw one frame at wall time `t` seconds (idle motion and blinking use it). */
  draw(t) {
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth || 320;
    const cssH = canvas.clientHeight || 320;
    if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(cssH * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);

    // Ease toward the target pose so shapes morph instead of snapping (~60 ms).
    const shape = MOUTH_SHAPES[this.target.viseme] || MOUTH_SHAPES.sil;
    const weight = this.target.viseme === "sil" ? 1 : Math.max(0.35, this.target.weight ?? 1);
    for (const k of ["w", "h", "round"]) this.mouth[k] = lerp(this.mouth[k], lerp(MOUTH_SHAPES.sil[k], shape[k], weight), 0.45);
    Object.assign(this.mouth, { teeth: shape.teeth, pressed: shape.pressed, tuck: shape.tuck });
    const expr = EXPRESSIONS[this.target.emotion] || EXPRESSIONS.neutral;
    const amount = this.target.emotion === "neutral" ? 1 : Math.max(0.4, this.target.intensity ?? 1);
    for (const k of ["browTilt", "browY", "eyeOpen", "curve", "blush"]) {
      this.face[k] = lerp(this.face[k], lerp(EXPRESSIONS.neutral[k], expr[k], amount), 0.12);
    }
    this.face.happyEyes = expr.happyEyes;

    const r = Math.min(cssW, cssH) * 0.32;
    const cx = cssW / 2 + Math.sin(t * 0.7) * r * 0.03;
    const cy = cssH * 0.55 + Math.sin(t * 1.3) * r * 0.025;
    const tilt = Math.sin(t * 0.5) * 0.04 + (this.listening ? 0.06 : 0);
    ctx.save();
    ctx.translate(cx, cy);
    ctx.rotate(tilt);
    this.drawBody(r);
    this.drawHead(r, t);
    ctx.restore();
  }

  drawBody(r) {
    const { ctx } = this;
    ctx.fillStyle = this.style === "robot" ? "#7a86b8" : "#ff7eb6";
    ctx.beginPath();
    ctx.ellipse(0, r * 1.55, r * 1.05, r * 0.7, 0, Math.PI, 0);
    ctx.fill();
    ctx.fillStyle = this.style === "robot" ? "#c9d0ea" : "#ffe0cf";
    ctx.fillRect(-r * 0.18, r * 0.8, r * 0.36, r * 0.25);
  }

  drawHead(r, t) {
    const { ctx, style } = this;
    const skin = style === "robot" ? "#c9d0ea" : "#ffe0cf";
    const hair = style === "robot" ? "#4b5580" : style === "cat" ? "#3b3f63" : "#5b3a7a";
    if (style === "cat") {
      for (const side of [-1, 1]) {
        ctx.fillStyle = hair;
        ctx.beginPath();
        ctx.moveTo(side * r * 0.85, -r * 0.45);
        ctx.lineTo(side * r * 0.75, -r * 1.35 + Math.sin(t * 2 + side) * r * 0.03);
        ctx.lineTo(side * r * 0.2, -r * 0.9);
        ctx.fill();
        ctx.fillStyle = "#ffb3cf";
        ctx.beginPath();
        ctx.moveTo(side * r * 0.72, -r * 0.6);
        ctx.lineTo(side * r * 0.68, -r * 1.1);
        ctx.lineTo(side * r * 0.35, -r * 0.85);
        ctx.fill();
      }
    }
    if (style === "robot") {
      ctx.strokeStyle = hair;
      ctx.lineWidth = r * 0.05;
      ctx.beginPath();
      ctx.moveTo(0, -r);
      ctx.lineTo(0, -r * 1.3);
      ctx.stroke();
      ctx.fillStyle = `hsl(${(t * 90) % 360}, 80%, 65%)`;
      ctx.beginPath();
      ctx.arc(0, -r * 1.35, r * 0.09, 0, Math.PI * 2);
      ctx.fill();
    }
    // Head: round for people, rounded square for the robot.
    ctx.fillStyle = skin;
    ctx.beginPath();
    if (style === "robot") ctx.roundRect(-r, -r, r * 2, r * 2, r * 0.35);
    else ctx.ellipse(0, 0, r, r * 1.05, 0, 0, Math.PI * 2);
    ctx.fill();
    if (style !== "robot") {
      // Fringe over the forehead.
      ctx.fillStyle = hair;
      ctx.beginPath();
      ctx.ellipse(0, -r * 0.55, r * 1.04, r * 0.6, 0, Math.PI, 0);
      ctx.fill();
      ctx.beginPath();
      ctx.moveTo(-r * 1.0, -r * 0.5);
      for (let i = 0; i <= 6; i++) ctx.lineTo(-r + (i * 2 * r) / 6, -r * (i % 2 ? 0.3 : 0.5));
      ctx.fill();
    }
    this.drawEyes(r, t);
    this.drawBrows(r);
    if (this.face.blush > 0.02) {
      ctx.fillStyle = `rgba(255, 110, 150, ${0.45 * this.face.blush})`;
      for (const side of [-1, 1]) {
        ctx.beginPath();
        ctx.ellipse(side * r * 0.55, r * 0.3, r * 0.16, r * 0.08, 0, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    this.drawMouth(r);
  }

  drawEyes(r, t) {
    const { ctx, face } = this;
    const blink = this.blinker.amount(t);
    const open = Math.max(0, face.eyeOpen * (1 - blink));
    for (const side of [-1, 1]) {
      const ex = side * r * 0.38;
      const ey = r * 0.02;
      ctx.save();
      ctx.translate(ex, ey);
      if (face.happyEyes && blink < 0.5) {
        // ^ ^ smiling eyes
        ctx.strokeStyle = "#2a2140";
        ctx.lineWidth = r * 0.06;
        ctx.lineCap = "round";
        ctx.beginPath();
        ctx.arc(0, r * 0.05, r * 0.13, Math.PI * 1.15, Math.PI * 1.85);
        ctx.stroke();
      } else if (open < 0.12) {
        ctx.strokeStyle = "#2a2140";
        ctx.lineWidth = r * 0.045;
        ctx.beginPath();
        ctx.moveTo(-r * 0.13, 0);
        ctx.quadraticCurveTo(0, r * 0.05, r * 0.13, 0);
        ctx.stroke();
      } else {
        ctx.fillStyle = "#ffffff";
        ctx.beginPath();
        ctx.ellipse(0, 0, r * 0.15, r * 0.19 * open, 0, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillStyle = this.style === "robot" ? "#29c6ff" : "#6a3fb0";
        ctx.beginPath();
        ctx.ellipse(side * r * 0.01, r * 0.02, r * 0.1, r * 0.14 * open, 0, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillStyle = "#ffffff";
        ctx.beginPath();
        ctx.arc(-r * 0.03, -r * 0.05 * open, r * 0.035, 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.restore();
    }
  }

  drawBrows(r) {
    const { ctx, face } = this;
    ctx.strokeStyle = this.style === "robot" ? "#4b5580" : "#3d2552";
    ctx.lineWidth = r * 0.05;
    ctx.lineCap = "round";
    for (const side of [-1, 1]) {
      const y = -r * 0.28 - face.browY * r - (face.eyeOpen > 1.1 ? r * 0.05 : 0);
      const inner = side * r * 0.2;
      const outer = side * r * 0.55;
      ctx.beginPath();
      ctx.moveTo(outer, y + face.browTilt * r * 0.12);
      ctx.lineTo(inner, y - face.browTilt * r * 0.2);
      ctx.stroke();
    }
  }

  drawMouth(r) {
    const { ctx, mouth, face } = this;
    const y = r * 0.5;
    const w = mouth.w * r;
    const h = mouth.h * r;
    const curve = face.curve * r;
    ctx.lineCap = "round";
    if (h < r * 0.015) {
      // Closed: a line that smiles or frowns; pressed lips (p/b/m) are thicker and narrower.
      ctx.strokeStyle = "#b0405f";
      ctx.lineWidth = mouth.pressed ? r * 0.07 : r * 0.035;
      ctx.beginPath();
      ctx.moveTo(-w / 2, y - curve);
      ctx.quadraticCurveTo(0, y + curve, w / 2, y - curve);
      ctx.stroke();
      return;
    }
    ctx.fillStyle = "#6b1f35";
    ctx.beginPath();
    const rx = lerp(w / 2, Math.min(w, h) / 2 + r * 0.02, mouth.round);
    ctx.ellipse(0, y + h * 0.1, rx, h / 2 + r * 0.01, 0, 0, Math.PI * 2);
    ctx.fill();
    if (mouth.round < 0.5 && h > r * 0.12) {
      // Tongue for wide-open vowels.
      ctx.fillStyle = "#e0607e";
      ctx.beginPath();
      ctx.ellipse(0, y + h * 0.35, rx * 0.55, h * 0.22, 0, 0, Math.PI * 2);
      ctx.fill();
    }
    if (mouth.teeth) {
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(-rx * 0.8, y + h * 0.1 - h / 2, rx * 1.6, Math.max(r * 0.025, h * 0.35));
    }
    if (mouth.tuck) {
      // f/v: the lower lip tucks under the upper teeth.
      ctx.strokeStyle = "#b0405f";
      ctx.lineWidth = r * 0.05;
      ctx.beginPath();
      ctx.moveTo(-rx * 0.8, y + h * 0.3);
      ctx.lineTo(rx * 0.8, y + h * 0.3);
      ctx.stroke();
    }
    ctx.strokeStyle = "#b0405f";
    ctx.lineWidth = r * 0.025;
    ctx.beginPath();
    ctx.ellipse(0, y + h * 0.1, rx, h / 2 + r * 0.01, 0, 0, Math.PI * 2);
    ctx.stroke();
  }

  dispose() {}
}
