// Natural blinking shared by both avatars: a 160 ms lid close every 2–5.5 s.

const BLINK_SECONDS = 0.16;

export class Blinker {
  constructor(firstBlinkAt = 1.5) {
    this.nextBlink = firstBlinkAt;
    this.blinkStart = -1;
  }

  /** How closed the eyes are at time `t` seconds: 0 open .. 1 shut. */
  amount(t) {
    if (this.blinkStart < 0 && t >= this.nextBlink) this.blinkStart = t;
    if (this.blinkStart < 0) return 0;
    const phase = (t - this.blinkStart) / BLINK_SECONDS;
    if (phase >= 1) {
      this.blinkStart = -1;
      this.nextBlink = t + 2 + Math.random() * 3.5;
      return 0;
    }
    return Math.sin(phase * Math.PI);
  }
}
