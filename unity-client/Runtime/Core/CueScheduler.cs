using System.Collections.Generic;

namespace AvatarTalk.Realtime
{
    /// <summary>The mouth shape and expression to show at one moment.</summary>
    public struct AvatarPose
    {
        public string Viseme;
        public double VisemeWeight;
        public string Emotion;
        public double EmotionIntensity;
    }

    /// <summary>
    /// Keeps viseme and expression cues per (turn, chunk seq) and answers, for the playhead
    /// the audio device reports, which cue is active. Driven by played samples, never by
    /// wall-clock arrival time, so lip sync survives jitter and buffering.
    /// </summary>
    public sealed class CueScheduler
    {
        public const string Silence = "sil";

        readonly object gate = new object();
        readonly Dictionary<long, VisemesEvent> visemes = new Dictionary<long, VisemesEvent>();
        readonly List<ExpressionEvent> expressions = new List<ExpressionEvent>();
        string emotion;
        double intensity;
        VisemeCue lastCue = new VisemeCue { Viseme = Silence, Weight = 1.0 };

        public CueScheduler(string restingEmotion = "neutral")
        {
            emotion = restingEmotion;
            intensity = 0.0;
        }

        public void Add(VisemesEvent cues)
        {
            lock (gate) visemes[Key(cues.Turn, cues.Seq)] = cues;
        }

        public void Add(ExpressionEvent expression)
        {
            lock (gate) expressions.Add(expression);
        }

        /// <summary>Drops pending cues of an interrupted turn and closes the mouth.</summary>
        public void Flush(int turn)
        {
            lock (gate)
            {
                var stale = new List<long>();
                foreach (var pair in visemes) if (pair.Value.Turn == turn) stale.Add(pair.Key);
                foreach (long key in stale) visemes.Remove(key);
                expressions.RemoveAll(e => e.Turn == turn);
                lastCue = new VisemeCue { Viseme = Silence, Weight = 1.0 };
            }
        }

        /// <summary>The pose for what is playing now; call once per frame.</summary>
        public AvatarPose Update(Playhead playhead)
        {
            lock (gate)
            {
                if (!playhead.Playing)
                    return new AvatarPose { Viseme = Silence, VisemeWeight = 1.0, Emotion = emotion, EmotionIntensity = intensity };
                ApplyDueExpressions(playhead);
                DropChunksBefore(playhead);
                VisemesEvent chunkCues;
                if (visemes.TryGetValue(Key(playhead.Turn, playhead.Seq), out chunkCues))
                {
                    long at = ToRate(playhead.SampleInChunk, playhead.ChunkSampleRate, chunkCues.SampleRate);
                    foreach (var cue in chunkCues.Cues)
                        if (cue.Offset <= at) lastCue = cue;
                }
                // Before the chunk's first cue the previous cue holds (a cue lasts until the next one).
                return new AvatarPose { Viseme = lastCue.Viseme, VisemeWeight = lastCue.Weight, Emotion = emotion, EmotionIntensity = intensity };
            }
        }

        void ApplyDueExpressions(Playhead playhead)
        {
            for (int i = 0; i < expressions.Count; i++)
            {
                var e = expressions[i];
                bool due = e.Turn < playhead.Turn
                    || (e.Turn == playhead.Turn && e.Seq < playhead.Seq)
                    || (e.Turn == playhead.Turn && e.Seq == playhead.Seq && e.Offset <= playhead.SampleInChunk);
                if (!due) continue;
                // An expression of an older turn that never played still sets the mood.
                emotion = e.Emotion;
                intensity = e.Intensity;
                expressions.RemoveAt(i);
                i--;
            }
        }

        void DropChunksBefore(Playhead playhead)
        {
            var old = new List<long>();
            foreach (var pair in visemes)
                if (pair.Value.Turn != playhead.Turn || pair.Value.Seq < playhead.Seq) old.Add(pair.Key);
            // Cues of a later turn may already be queued; keep those.
            foreach (long key in old)
                if (visemes[key].Turn <= playhead.Turn) visemes.Remove(key);
        }

        static long ToRate(long samples, int fromRate, int toRate)
        {
            if (fromRate <= 0 || toRate <= 0 || fromRate == toRate) return samples;
            return samples * toRate / fromRate;
        }

        static long Key(int turn, int seq) { return ((long)turn << 32) | (uint)seq; }
    }
}
