using System;
using System.Collections.Generic;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>Checks the ordering and lip-sync rules of docs/protocol.md on every event as it arrives.</summary>
    sealed class StreamValidator
    {
        sealed class TurnAudio
        {
            public int NextSeq;
            public long NextFirstSample;
            public long Samples;
            public bool Last;
            public int ChunksWithVisemes;
        }

        readonly Report report;
        readonly Dictionary<long, VisemesEvent> visemes = new Dictionary<long, VisemesEvent>();
        readonly Dictionary<int, TurnAudio> turns = new Dictionary<int, TurnAudio>();
        readonly HashSet<int> interrupted = new HashSet<int>();

        public StreamValidator(Report report) { this.report = report; }

        public int CuesChecked { get; private set; }

        TurnAudio For(int turn)
        {
            TurnAudio audio;
            if (!turns.TryGetValue(turn, out audio)) turns[turn] = audio = new TurnAudio();
            return audio;
        }

        public long SamplesOf(int turn) { return For(turn).Samples; }
        public int ChunksOf(int turn) { return For(turn).NextSeq; }
        public int ChunksWithVisemesOf(int turn) { return For(turn).ChunksWithVisemes; }
        public bool LastChunkSeen(int turn) { return For(turn).Last; }

        public void Observe(ServerEvent e)
        {
            var cues = e as VisemesEvent;
            if (cues != null) { visemes[Key(cues.Turn, cues.Seq)] = cues; CheckCueOrder(cues); }
            var audio = e as AudioEvent;
            if (audio != null) Chunk(audio.Chunk);
            var cut = e as InterruptedEvent;
            if (cut != null) interrupted.Add(cut.Turn);
        }

        void CheckCueOrder(VisemesEvent cues)
        {
            long previous = -1;
            foreach (var cue in cues.Cues)
            {
                if (cue.Offset < previous) report.Fail("visemes turn " + cues.Turn + " seq " + cues.Seq + ": cue offsets go backwards");
                if (cue.Weight < 0 || cue.Weight > 1) report.Fail("visemes turn " + cues.Turn + ": weight " + cue.Weight + " outside 0..1");
                previous = cue.Offset;
            }
        }

        void Chunk(AudioChunk chunk)
        {
            string where = "audio turn " + chunk.Turn + " seq " + chunk.Seq;
            if (interrupted.Contains(chunk.Turn)) report.Fail(where + " arrived after 'interrupted' for that turn");
            var turn = For(chunk.Turn);
            if (turn.Last) report.Fail(where + " arrived after the turn's last chunk");
            if (chunk.Seq != turn.NextSeq) report.Fail(where + ": expected seq " + turn.NextSeq);
            if (chunk.FirstSample != turn.NextFirstSample) report.Fail(where + ": first_sample " + chunk.FirstSample + ", expected " + turn.NextFirstSample);
            turn.NextSeq = chunk.Seq + 1;
            turn.NextFirstSample = chunk.FirstSample + chunk.Samples.Length;
            turn.Samples += chunk.Samples.Length;
            turn.Last |= chunk.IsLast;
            VisemesEvent cues;
            if (!visemes.TryGetValue(Key(chunk.Turn, chunk.Seq), out cues)) return;
            turn.ChunksWithVisemes++;
            // Offsets are at the visemes' rate; the chunk's length at its own.
            double length = (double)chunk.Samples.Length * cues.SampleRate / chunk.SampleRate;
            foreach (var cue in cues.Cues)
            {
                CuesChecked++;
                if (cue.Offset < 0 || (cue.Offset >= length && length > 0))
                    report.Fail(where + ": viseme '" + cue.Viseme + "' at offset " + cue.Offset + " lies outside the chunk (" + length + " samples)");
            }
        }

        static long Key(int turn, int seq) { return ((long)turn << 32) | (uint)seq; }
    }

    /// <summary>Pass/fail lines of one run; every failure gets its own clear message.</summary>
    sealed class Report
    {
        readonly List<string> failures = new List<string>();

        public int FailureCount { get { lock (failures) return failures.Count; } }

        public void Pass(string what) { Console.WriteLine("ok   " + what); }

        public void Fail(string what)
        {
            lock (failures) failures.Add(what);
            Console.WriteLine("FAIL " + what);
        }

        public bool Expect(bool condition, string what)
        {
            if (condition) Pass(what); else Fail(what);
            return condition;
        }
    }
}
