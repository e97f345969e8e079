using System;
using UnityEngine;

namespace AvatarTalk.Realtime.Unity
{
    /// <summary>Microphone → 16 kHz PCM16 mono frames of 20 ms, handed to FrameReady on the main thread.</summary>
    public sealed class MicrophoneCapture : MonoBehaviour
    {
        public const int TargetRate = 16000;
        const int FrameSamples = TargetRate / 50; // 20 ms

        [Tooltip("Empty = the default microphone.")]
        public string deviceName = "";

        public event Action<byte[]> FrameReady;

        AudioClip clip;
        int deviceRate;
        int readPosition;
        float[] deviceSamples = new float[0];
        readonly System.Collections.Generic.List<float> pending = new System.Collections.Generic.List<float>();
        double resamplePosition;

        public bool IsRecording { get { return clip != null; } }

        public void StartCapture()
        {
            if (clip != null) return;
            string device = string.IsNullOrEmpty(deviceName) ? null : deviceName;
            int min, max;
            Microphone.GetDeviceCaps(device, out min, out max);
            // 0/0 means "any rate"; otherwise use the closest rate the device supports and resample.
            deviceRate = (min == 0 && max == 0) ? TargetRate : Mathf.Clamp(TargetRate, min, max);
            clip = Microphone.Start(device, true, 1, deviceRate);
            readPosition = 0;
        }

        public void StopCapture()
        {
            if (clip == null) return;
            Microphone.End(string.IsNullOrEmpty(deviceName) ? null : deviceName);
            clip = null;
            pending.Clear();
        }

        void Update()
        {
            if (clip == null) return;
            int position = Microphone.GetPosition(string.IsNullOrEmpty(deviceName) ? null : deviceName);
            int available = (position - readPosition + clip.samples) % clip.samples;
            if (available <= 0) return;
            if (deviceSamples.Length < available) deviceSamples = new float[available];
            // The clip is a ring buffer; read up to its end, then from its start.
            int first = Math.Min(available, clip.samples - readPosition);
            ReadInto(readPosition, first, 0);
            if (available > first) ReadInto(0, available - first, first);
            readPosition = position;
            Resample(available);
            EmitFrames();
        }

        void ReadInto(int start, int count, int at)
        {
            var part = new float[count];
            clip.GetData(part, start);
            Array.Copy(part, 0, deviceSamples, at, count);
        }

        void Resample(int count)
        {
            double step = (double)deviceRate / TargetRate;
            while (resamplePosition < count - 1)
            {
                int i = (int)resamplePosition;
                double f = resamplePosition - i;
                pending.Add((float)(deviceSamples[i] + (deviceSamples[i + 1] - deviceSamples[i]) * f));
                resamplePosition += step;
            }
            // Carry the phase into the next block (the boundary sample pair is skipped: inaudible).
            resamplePosition = Math.Max(0, resamplePosition - count);
        }

        void EmitFrames()
        {
            while (pending.Count >= FrameSamples)
            {
                var frame = new byte[FrameSamples * 2];
                for (int i = 0; i < FrameSamples; i++)
                {
                    short s = (short)Mathf.Clamp(Mathf.RoundToInt(pending[i] * 32767f), -32768, 32767);
                    frame[2 * i] = (byte)s;
                    frame[2 * i + 1] = (byte)(s >> 8);
                }
                pending.RemoveRange(0, FrameSamples);
                var handler = FrameReady;
                if (handler != null) handler(frame);
            }
        }

        void OnDisable() { StopCapture(); }
    }
}
