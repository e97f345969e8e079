// Microphone capture: getUserMedia (echo cancellation etc. on) -> AudioWorklet that
// emits 20 ms PCM16 16 kHz frames -> onFrame callback. Gating (mute, push-to-talk)
// is the caller's business so the worklet keeps running and resumes instantly.

export const CAPTURE_SAMPLE_RATE = 16000;

export class MicDeniedError extends Error {}
export class MicUnavailableError extends Error {}

export class MicCapture {
  constructor({ workletUrl, onFrame, onLevel }) {
    this.workletUrl = workletUrl;
    this.onFrame = onFrame;
    this.onLevel = onLevel || (() => {});
    this.context = null;
    this.stream = null;
    this.node = null;
    this.framesCaptured = 0;
  }

  get running() {
    return this.context !== null;
  }

  /** Ask for the microphone and start the worklet; throws MicDeniedError / MicUnavailableError. */
  async start() {
    if (this.context) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      // Browsers hide getUserMedia on plain http pages other than localhost.
      throw new MicUnavailableError("This browser offers no microphone here (HTTPS is required).");
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
        video: false,
      });
    } catch (error) {
      if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
        throw new MicDeniedError("Microphone access was denied.");
      }
      throw new MicUnavailableError(`No microphone available (${error && error.name}).`);
    }
    const context = new AudioContext();
    await context.audioWorklet.addModule(this.workletUrl);
    const source = context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(context, "pcm16-capture", { numberOfInputs: 1, numberOfOutputs: 0 });
    this.node.port.onmessage = ({ data }) => {
      this.framesCaptured += 1;
      this.onLevel(data.peak);
      this.onFrame(data.pcm);
    };
    source.connect(this.node);
    if (context.state === "suspended") await context.resume();
    this.context = context;
  }

  async stop() {
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    if (this.context) await this.context.close().catch(() => {});
    this.context = null;
    this.stream = null;
    this.node = null;
  }
}
