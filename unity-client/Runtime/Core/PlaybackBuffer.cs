using System;
using System.Collections.Generic;

namespace AvatarTalk.Realtime
{
    /// <summary>What the audio device is playing right now, in the chunk's own sample units.</summary>
    public struct Playhead
    {
        public bool Playing;
        public int Turn;
        public int Seq;
        /// <summary>Sample index inside chunk Seq, at ChunkSampleRate.</summary>
        public long SampleInChunk;
        public int ChunkSampleRate;
        /// <summary>Samples of Turn played so far, counted from the turn's first sample.</summary>
        public long TurnPlayedSamples;
    }

    /// <summary>A turn whose audio finished (last chunk played, or flushed on interruption).</summary>
    public struct PlaybackReport
    {
        public int Turn;
        public long PlayedSamples;
        public bool Final;
    }

    /// <summary>
    /// Jitter/playback buffer: audio chunks go in from the network thread, a continuous
    /// float stream at the output rate comes out on the audio thread. Resampling is done
    /// while reading (linear interpolation, position carried across chunks) so cue
    /// arithmetic stays in the chunk's own rate and played samples are exact per turn.
    /// </summary>
    public sealed class PlaybackBuffer
    {
        readonly object gate = new object();
        readonly LinkedList<AudioChunk> queue = new LinkedList<AudioChunk>();
        readonly HashSet<int> flushedTurns = new HashSet<int>();
        readonly Queue<PlaybackReport> reports = new Queue<PlaybackReport>();
        readonly int outputRate;
        readonly int prebufferMs;
        AudioChunk current;
        double position; // fractional read position inside `current`, in its samples
        bool waitingForPrebuffer = true;
        Playhead playhead;
        long underrunSamples;

        /// <param name="outputRate">The audio device's rate (AudioSettings.outputSampleRate in Unity).</param>
        /// <param name="prebufferMs">Audio to collect before a turn starts playing, to ride out network jitter.</param>
        public PlaybackBuffer(int outputRate, int prebufferMs = 60)
        {
            if (outputRate <= 0) throw new ArgumentOutOfRangeException("outputRate");
            this.outputRate = outputRate;
            this.prebufferMs = prebufferMs;
        }

        public int OutputRate { get { return outputRate; } }

        /// <summary>Output samples written as silence because no audio was ready mid-turn.</summary>
        public long UnderrunSamples { get { lock (gate) return underrunSamples; } }

        public Playhead Playhead { get { lock (gate) return playhead; } }

        /// <summary>Queued milliseconds not yet played (including the chunk now playing).</summary>
        public double BufferedMs
        {
            get { lock (gate) return BufferedMsLocked(); }
        }

        public bool IsIdle { get { lock (gate) return current == null && queue.Count == 0; } }

        /// <summary>Queues a chunk; chunks of a flushed (interrupted) turn are dropped.</summary>
        public void Enqueue(AudioChunk chunk)
        {
            if (chunk == null || chunk.SampleRate <= 0) return;
            lock (gate)
            {
                if (flushedTurns.Contains(chunk.Turn)) return;
                queue.AddLast(chunk);
            }
        }

        /// <summary>
        /// Drops every queued sample of `turn` at once (on `interrupted`) and returns how many
        /// samples of it were really played, to send in `playback`.
        /// </summary>
        public long Flush(int turn)
        {
            lock (gate)
            {
                flushedTurns.Add(turn);
                var node = queue.First;
                while (node != null)
                {
                    var next = node.Next;
                    if (node.Value.Turn == turn) queue.Remove(node);
                    node = next;
                }
                long played = playhead.Turn == turn ? playhead.TurnPlayedSamples : 0;
                if (current != null && current.Turn == turn)
                {
                    current = null;
                    position = 0;
                    playhead.Playing = false;
                    waitingForPrebuffer = true;
                }
                return played;
            }
        }

        /// <summary>
        /// `turn.end` says how many samples the turn had: mark its final chunk as last, so the
        /// turn is reported finished even if no chunk carried the last flag.
        /// </summary>
        public void CompleteTurn(int turn, long totalSamples)
        {
            lock (gate)
            {
                foreach (var chunk in queue)
                    if (chunk.Turn == turn && chunk.FirstSample + chunk.Samples.Length >= totalSamples) chunk.Flags |= 1;
                if (current != null && current.Turn == turn && current.FirstSample + current.Samples.Length >= totalSamples)
                    current.Flags |= 1;
                bool alreadyPlayed = current == null && playhead.Playing && playhead.Turn == turn && playhead.TurnPlayedSamples >= totalSamples;
                if (!alreadyPlayed) return;
                reports.Enqueue(new PlaybackReport { Turn = turn, PlayedSamples = playhead.TurnPlayedSamples, Final = true });
                playhead.Playing = false;
                waitingForPrebuffer = true;
            }
        }

        /// <summary>Drops everything (e.g. on disconnect).</summary>
        public void Clear()
        {
            lock (gate)
            {
                queue.Clear();
                current = null;
                position = 0;
                playhead = new Playhead();
                waitingForPrebuffer = true;
            }
        }

        /// <summary>Reports of turns that finished or were flushed since the last call.</summary>
        public List<PlaybackReport> TakeReports()
        {
            lock (gate)
            {
                var taken = new List<PlaybackReport>(reports);
                reports.Clear();
                return taken;
            }
        }

        /// <summary>
        /// Fills `output` with `count` mono samples in [-1, 1] (the audio thread calls this).
        /// Silence is written when nothing is ready.
        /// </summary>
        public void Read(float[] output, int offset, int count)
        {
            lock (gate)
            {
                for (int i = 0; i < count; i++)
                    output[offset + i] = NextSampleLocked();
            }
        }

        float NextSampleLocked()
        {
            if (current == null && !StartNextChunkLocked()) return 0f;
            var chunk = current;
            int index = (int)position;
            double fraction = position - index;
            float a = chunk.Samples[index] / 32768f;
            float b = index + 1 < chunk.Samples.Length ? chunk.Samples[index + 1] / 32768f : NextChunkFirstSampleLocked(a);
            float value = (float)(a + (b - a) * fraction);

            position += (double)chunk.SampleRate / outputRate;
            playhead.SampleInChunk = Math.Min((long)position, chunk.Samples.Length);
            playhead.TurnPlayedSamples = chunk.FirstSample + playhead.SampleInChunk;
            if (position >= chunk.Samples.Length) FinishChunkLocked();
            return value;
        }

        float NextChunkFirstSampleLocked(float fallback)
        {
            var next = queue.First;
            if (next == null || next.Value.Turn != current.Turn || next.Value.Samples.Length == 0) return fallback;
            return next.Value.Samples[0] / 32768f;
        }

        void FinishChunkLocked()
        {
            var done = current;
            double carry = position - done.Samples.Length;
            current = null;
            position = 0;
            if (done.IsLast)
            {
                reports.Enqueue(new PlaybackReport { Turn = done.Turn, PlayedSamples = done.FirstSample + done.Samples.Length, Final = true });
                playhead.Playing = false;
                waitingForPrebuffer = true;
                return;
            }
            // Keep the resampler's phase when the turn goes on seamlessly.
            if (StartNextChunkLocked() && current.Turn == done.Turn) position = Math.Min(carry, current.Samples.Length - 1);
        }

        bool StartNextChunkLocked()
        {
            while (queue.Count > 0 && queue.First.Value.Samples.Length == 0)
            {
                var empty = queue.First.Value;
                queue.RemoveFirst();
                if (empty.IsLast) reports.Enqueue(new PlaybackReport { Turn = empty.Turn, PlayedSamples = empty.FirstSample, Final = true });
            }
            if (queue.Count == 0)
            {
                if (playhead.Playing) underrunSamples++;
                return false;
            }
            if (waitingForPrebuffer && BufferedMsLocked() < prebufferMs && !QueueHasLastChunkLocked()) return false;
            waitingForPrebuffer = false;
            current = queue.First.Value;
            queue.RemoveFirst();
            position = 0;
            playhead = new Playhead
            {
                Playing = true, Turn = current.Turn, Seq = current.Seq, SampleInChunk = 0,
                ChunkSampleRate = current.SampleRate, TurnPlayedSamples = current.FirstSample,
            };
            return true;
        }

        bool QueueHasLastChunkLocked()
        {
            foreach (var chunk in queue) if (chunk.IsLast) return true;
            return false;
        }

        double BufferedMsLocked()
        {
            double ms = 0;
            if (current != null) ms += 1000.0 * (current.Samples.Length - position) / current.SampleRate;
            foreach (var chunk in queue) ms += 1000.0 * chunk.Samples.Length / chunk.SampleRate;
            return ms;
        }
    }
}
