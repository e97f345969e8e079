using System;
using System.Diagnostics;
using System.Threading;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>
    /// Stands in for Unity's audio thread: pulls 10 ms blocks from the playback buffer at
    /// real-time pace, as OnAudioFilterRead would, so `playback` reports and cue timing
    /// are driven by "played" samples exactly as on a device.
    /// </summary>
    sealed class DeviceSimulator : IDisposable
    {
        readonly PlaybackBuffer buffer;
        readonly Thread thread;
        volatile bool running = true;
        long blocksWithSound;

        public DeviceSimulator(PlaybackBuffer buffer)
        {
            this.buffer = buffer;
            thread = new Thread(Run) { IsBackground = true, Name = "device-simulator" };
            thread.Start();
        }

        public long BlocksWithSound { get { return Interlocked.Read(ref blocksWithSound); } }

        void Run()
        {
            int block = buffer.OutputRate / 100;
            var samples = new float[block];
            var clock = Stopwatch.StartNew();
            long blocks = 0;
            while (running)
            {
                buffer.Read(samples, 0, block);
                for (int i = 0; i < block; i++)
                    if (samples[i] != 0f) { Interlocked.Increment(ref blocksWithSound); break; }
                blocks++;
                long due = blocks * 10 - clock.ElapsedMilliseconds;
                if (due > 0) Thread.Sleep((int)due);
            }
        }

        public void Dispose()
        {
            running = false;
            thread.Join(1000);
        }
    }
}
