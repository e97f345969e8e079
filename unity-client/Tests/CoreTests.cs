using System;

namespace AvatarTalk.Realtime.Tests
{
    /// <summary>Socket-free tests of the playback buffer, cue scheduler, JSON and back-off.</summary>
    static class CoreTests
    {
        public static void RunAll(Check c)
        {
            c.Run("json round trip", () => JsonRoundTrip(c));
            c.Run("playback resampling", () => PlaybackResampling(c));
            c.Run("playback flush", () => PlaybackFlush(c));
            c.Run("cue scheduler", () => CueScheduling(c));
            c.Run("reconnect policy", () => Reconnect(c));
            c.Run("blendshape presets", () => Presets(c));
        }

        static AudioChunk Chunk(int turn, int seq, int rate, long first, int count, bool last)
        {
            var samples = new short[count];
            for (int i = 0; i < count; i++) samples[i] = (short)(1000 + i % 100);
            return new AudioChunk { Version = 1, Flags = last ? 1 : 0, Turn = turn, Seq = seq, SampleRate = rate, FirstSample = first, Samples = samples };
        }

        static void JsonRoundTrip(Check c)
        {
            string text = "{\"a\": [1, 2.5, -3e2, true, null, \"한국어 \\\"q\\\" \\n\"], \"b\": {}}";
            c.That(Json.DeepEquals(Json.Parse(text), Json.Parse(Json.Write(Json.Parse(text)))), "JSON writes back what it read");
            c.Equal("\u00e9", (string)Json.Parse("\"\\u00e9\""), "\\u escapes decode");
            c.That(!Json.DeepEquals(Json.Parse("{\"a\": 1}"), Json.Parse("{\"a\": 2}")), "DeepEquals sees differences");
        }

        static void PlaybackResampling(Check c)
        {
            // 24 kHz chunks played on a 48 kHz device: twice as many output samples.
            var buffer = new PlaybackBuffer(48000, prebufferMs: 0);
            buffer.Enqueue(Chunk(3, 0, 24000, 0, 480, false));
            buffer.Enqueue(Chunk(3, 1, 24000, 480, 480, true));
            var output = new float[960];
            buffer.Read(output, 0, 960);
            var head = buffer.Playhead;
            c.That(head.Playing && head.Seq == 1 && head.SampleInChunk == 0, "after 20 ms the second chunk starts (seq " + head.Seq + ", at " + head.SampleInChunk + ")");
            c.Equal(480L, head.TurnPlayedSamples, "played samples count at the chunk rate");
            c.That(Math.Abs(output[0] - 1000 / 32768f) < 1e-6 && output[959] > 0, "samples come out in order");
            buffer.Read(output, 0, 960);
            var reports = buffer.TakeReports();
            c.That(reports.Count == 1 && reports[0].Turn == 3 && reports[0].PlayedSamples == 960 && reports[0].Final, "finishing the last chunk reports the turn");
            c.That(!buffer.Playhead.Playing, "idle after the last chunk");
            buffer.Read(output, 0, 10);
            c.Equal(0f, output[5], "silence when idle");
        }

        static void PlaybackFlush(Check c)
        {
            var buffer = new PlaybackBuffer(16000, prebufferMs: 0);
            buffer.Enqueue(Chunk(5, 0, 16000, 0, 1600, false));
            buffer.Enqueue(Chunk(5, 1, 16000, 1600, 1600, false));
            var output = new float[400];
            buffer.Read(output, 0, 400);
            c.Equal(400L, buffer.Flush(5), "flush returns what was played");
            c.That(buffer.IsIdle, "flush drops queued audio of the turn");
            buffer.Enqueue(Chunk(5, 2, 16000, 3200, 1600, true));
            c.That(buffer.IsIdle, "late chunks of a flushed turn are dropped");
            buffer.Enqueue(Chunk(7, 0, 16000, 0, 160, true));
            c.That(!buffer.IsIdle, "the next turn plays");
            // A turn whose chunks lack the last flag ends when turn.end gives its length.
            var unflagged = new PlaybackBuffer(16000, prebufferMs: 0);
            unflagged.Enqueue(Chunk(9, 0, 16000, 0, 160, false));
            unflagged.CompleteTurn(9, 160);
            unflagged.Read(output, 0, 200);
            var done = unflagged.TakeReports();
            c.That(done.Count == 1 && done[0].PlayedSamples == 160 && !unflagged.Playhead.Playing, "turn.end completes an unflagged turn");
        }

        static void CueScheduling(Check c)
        {
            var cues = new CueScheduler();
            var visemes = new VisemesEvent { Turn = 3, Seq = 0, SampleRate = 32000 };
            visemes.Cues.Add(new VisemeCue { Offset = 0, Viseme = "sil", Weight = 1 });
            visemes.Cues.Add(new VisemeCue { Offset = 1600, Viseme = "oh", Weight = 0.9 });
            cues.Add(visemes);
            cues.Add(new ExpressionEvent { Turn = 3, Seq = 0, Offset = 800, Emotion = "joy", Intensity = 0.8 });
            cues.Add(new ExpressionEvent { Turn = 9, Seq = 0, Offset = 0, Emotion = "sad", Intensity = 1 });
            var head = new Playhead { Playing = true, Turn = 3, Seq = 0, ChunkSampleRate = 32000, SampleInChunk = 100 };
            var pose = cues.Update(head);
            c.That(pose.Viseme == "sil" && pose.Emotion == "neutral", "before offsets: rest (" + pose.Viseme + "/" + pose.Emotion + ")");
            head.SampleInChunk = 1700;
            pose = cues.Update(head);
            c.That(pose.Viseme == "oh" && Math.Abs(pose.VisemeWeight - 0.9) < 1e-9, "viseme follows the playhead");
            c.That(pose.Emotion == "joy" && Math.Abs(pose.EmotionIntensity - 0.8) < 1e-9, "expression applies at its offset, not a later turn's");
            // The same cue at a 16 kHz chunk rate: sample 850 is offset 1700 at 32 kHz.
            head.ChunkSampleRate = 16000;
            head.SampleInChunk = 790;
            c.Equal("sil", cues.Update(head).Viseme, "cue offsets convert between rates");
            cues.Flush(3);
            head.SampleInChunk = 2000;
            c.Equal("sil", cues.Update(head).Viseme, "flush closes the mouth");
            c.Equal("sil", cues.Update(new Playhead()).Viseme, "silence when nothing plays");
        }

        static void Presets(Check c)
        {
            foreach (string v in new[] { "aa", "ih", "ou", "ee", "oh" })
                c.Equal(v, BlendshapePresets.ForViseme(BlendshapePreset.Vrm, v)[0].Name, "VRM preset drives '" + v + "'");
            c.Equal("viseme_PP", BlendshapePresets.ForViseme(BlendshapePreset.Oculus, "pp")[0].Name, "Oculus pp");
            c.Equal("jawOpen", BlendshapePresets.ForViseme(BlendshapePreset.Arkit, "aa")[0].Name, "ARKit aa");
            c.Equal(0, BlendshapePresets.ForViseme(BlendshapePreset.Vrm, "future").Length, "unknown viseme rests");
            var smoother = new BlendshapeSmoother();
            smoother.SetTargets(BlendshapePresets.ForViseme(BlendshapePreset.Vrm, "aa"), 1f);
            float half = smoother.Step(0.05f)["aa"];
            c.That(half > 0.5f && half < 0.8f, "smoothing eases in (" + half + ")");
            smoother.SetTargets(BlendshapePresets.ForViseme(BlendshapePreset.Vrm, "sil"), 1f);
            c.That(smoother.Step(1f)["aa"] < 0.01f, "and back out");
        }

        static void Reconnect(Check c)
        {
            var policy = new ReconnectPolicy();
            double first = policy.DelayFor(1).TotalMilliseconds, fifth = policy.DelayFor(5).TotalMilliseconds;
            c.That(first >= 400 && first <= 600, "first delay ~0.5 s (" + first + ")");
            c.That(fifth >= 6400 && fifth <= 9600, "delay doubles (" + fifth + ")");
            c.That(policy.DelayFor(30).TotalMilliseconds <= 18000, "delay is capped");
            c.That(ReconnectPolicy.IsFinal(4401) && ReconnectPolicy.IsFinal(4404) && !ReconnectPolicy.IsFinal(4500) && !ReconnectPolicy.IsFinal(null), "final close codes");
        }
    }
}
