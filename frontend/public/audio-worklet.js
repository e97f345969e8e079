// Microphone capture worklet: downsamples the context's rate to 16 kHz PCM16 mono and
// posts 20 ms frames (320 samples) to the page. It runs on the audio thread, so it
// only converts and batches; deciding what to send stays on the main thread.
// Served verbatim (frontend/public) because addModule() needs a plain script URL.

const TARGET_RATE = 16000;
const FRAME_SAMPLES = 320; // 20 ms at 16 kHz

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // Input samples per output sample, e.g. 3 at 48 kHz.
    this.step = sampleRate / TARGET_RATE;
    // Box-filter accumulator: averaging every input sample of an output interval is
    // a cheap low-pass that keeps speech and stops aliasing of hiss above 8 kHz.
    this.acc = 0;
    this.accCount = 0;
    this.position = 0; // input samples consumed towards the next output sample
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.filled = 0;
    this.peak = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const channels = input.length;
    const length = input[0].length;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (let c = 0; c < channels; c++) sample += input[c][i];
      sample /= channels;
      this.acc += sample;
      this.accCount += 1;
      this.position += 1;
      if (this.position >= this.step) {
        this.position -= this.step;
        this.emit(this.acc / this.accCount);
        this.acc = 0;
        this.accCount = 0;
      }
    }
    return true;
  }

  emit(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.peak = Math.max(this.peak, Math.abs(clamped));
    this.frame[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    if (this.filled === FRAME_SAMPLES) {
      const buffer = this.frame.buffer;
      this.port.postMessage({ pcm: buffer, peak: this.peak }, [buffer]);
      this.frame = new Int16Array(FRAME_SAMPLES);
      this.filled = 0;
      this.peak = 0;
    }
  }
}

registerProcessor("pcm16-capture", CaptureProcessor);
