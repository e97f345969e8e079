using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>
    /// The full voice round trip through the same core the Unity package uses: login,
    /// conversation, speech in real time, reply audio + cues, then a barge-in.
    /// </summary>
    sealed class ConversationCheck
    {
        const int FrameMs = 20;
        readonly Options options;
        readonly Report report = new Report();
        readonly StreamValidator validator;
        ConversationSession session;
        EventWaiter events;

        public ConversationCheck(Options options)
        {
            this.options = options;
            validator = new StreamValidator(report);
        }

        TimeSpan Timeout { get { return TimeSpan.FromSeconds(options.TimeoutS); } }

        public int Run()
        {
            var wav = WavFile.Read(options.Wav);
            var api = new ApiClient(options.Server);
            var tokens = options.Token != null ? TokenSource.FromToken(api, options.Token)
                : new TokenSource(api, options.Username, options.Password, "conformance runner");
            var settings = new SessionOptions { MicSampleRate = wav.SampleRate, OutputSampleRate = 48000, ClientName = "unity-conformance/1.0" };
            using (session = new ConversationSession(api, tokens, options.Persona, settings))
            using (new DeviceSimulator(session.Playback))
            {
                try { session.StartAsync().GetAwaiter().GetResult(); }
                catch (AuthenticationException e) { report.Fail("login: " + e.Message + " [" + e.Code + "]"); return 3; }
                catch (ApiException e) { report.Fail("creating a conversation: " + e.Message); return 3; }
                report.Pass("logged in and created conversation " + session.Conversation.Id);
                events = new EventWaiter(session, validator, report);
                var ready = events.WaitFor<ReadyEvent>(e => true, "ready", Timeout);
                if (ready == null) return 1;
                report.Expect(ready.Protocol == 1 && ready.Conversation == session.Conversation.Id, "ready: protocol 1, conversation " + ready.Conversation);
                FirstTurn(wav);
                BargeIn(wav);
                Finish();
            }
            Console.WriteLine(report.FailureCount == 0 ? "CONFORMANCE PASSED" : "CONFORMANCE FAILED: " + report.FailureCount + " check(s)");
            return report.FailureCount == 0 ? 0 : 1;
        }

        void FirstTurn(WavFile wav)
        {
            var streaming = StreamAsync(wav);
            var start = events.WaitFor<VadEvent>(e => e.State == "start", "vad start", Timeout);
            report.Expect(start != null, "vad start");
            var end = events.WaitFor<VadEvent>(e => e.State == "end", "vad end", Timeout);
            report.Expect(end != null && start != null && end.AtMs >= start.AtMs, "vad end after start");
            var transcript = events.WaitFor<TranscriptEvent>(e => e.Final, "final transcript", Timeout);
            if (transcript != null)
                report.Expect(Normalize(transcript.Text) == Normalize(options.Transcript),
                    "transcript '" + transcript.Text + "' matches '" + options.Transcript + "'");
            var reply = events.WaitFor<ReplyDeltaEvent>(e => true, "reply.delta", Timeout);
            var turnEnd = events.WaitFor<TurnEndEvent>(e => true, "turn.end", Timeout);
            streaming.Wait(Timeout);
            if (reply == null || turnEnd == null) return;
            int turn = reply.Turn;
            report.Expect(transcript == null || turn != transcript.Turn, "the reply has its own turn number (" + turn + ")");
            string text = string.Concat(events.Seen.OfType<ReplyDeltaEvent>().Where(d => d.Turn == turn).Select(d => d.Text));
            report.Expect(text.Trim().Length > 0, "reply.delta text: " + text.Trim());
            report.Expect(turnEnd.Turn == turn && !turnEnd.Interrupted, "turn.end for turn " + turn + ", not interrupted");
            ChecksOnAudio(turn, turnEnd);
            WaitForPlayback(turn);
        }

        void ChecksOnAudio(int turn, TurnEndEvent turnEnd)
        {
            report.Expect(validator.ChunksOf(turn) > 0, "audio chunks received: " + validator.ChunksOf(turn));
            report.Expect(validator.LastChunkSeen(turn), "the turn's last chunk carries the last flag");
            report.Expect(turnEnd.AudioSamples == validator.SamplesOf(turn),
                "turn.end audio_samples " + turnEnd.AudioSamples + " = samples received " + validator.SamplesOf(turn));
            report.Expect(validator.ChunksWithVisemesOf(turn) > 0 && validator.CuesChecked > 0,
                "visemes came before " + validator.ChunksWithVisemesOf(turn) + " chunk(s); " + validator.CuesChecked + " cue offsets inside their chunks");
            report.Expect(events.Seen.OfType<ExpressionEvent>().Any(e => e.Turn == turn), "an expression event for the turn");
        }

        /// <summary>Lets the simulated device play the reply, so `playback` reports reach the server.</summary>
        void WaitForPlayback(int turn)
        {
            var until = DateTime.UtcNow + Timeout;
            while (DateTime.UtcNow < until && !session.Playback.IsIdle) Thread.Sleep(50);
            var head = session.Playback.Playhead;
            report.Expect(head.Turn == turn && head.TurnPlayedSamples == validator.SamplesOf(turn),
                "the playback buffer played all " + validator.SamplesOf(turn) + " samples of turn " + turn + " (played " + head.TurnPlayedSamples + ")");
            Thread.Sleep(300); // one more reporter tick: the final `playback` goes out
        }

        void BargeIn(WavFile wav)
        {
            if (options.BargeIn == "none") return;
            session.SendTextAsync(options.SecondText).GetAwaiter().GetResult();
            var firstAudio = events.WaitFor<AudioEvent>(e => true, "audio of the second reply", Timeout);
            if (firstAudio == null) return;
            int turn = firstAudio.Chunk.Turn;
            Thread.Sleep(200); // let a little of it play, as a listener would
            Task speaking = null;
            if (options.BargeIn == "speech") speaking = StreamAsync(wav);
            else session.InterruptAsync().GetAwaiter().GetResult();
            var cut = events.WaitFor<InterruptedEvent>(e => e.Turn == turn, "'interrupted' for turn " + turn +
                " (if turn.end came first, the reply finished before the barge-in: make it longer)", Timeout);
            if (cut == null) return;
            string reason = options.BargeIn == "speech" ? "barge_in" : "client";
            report.Expect(cut.Reason == reason, "interrupted reason '" + cut.Reason + "' (expected " + reason + ")");
            report.Expect(session.Playback.IsIdle || session.Playback.Playhead.Turn != turn, "queued audio of turn " + turn + " was flushed");
            var end = events.WaitFor<TurnEndEvent>(e => e.Turn == turn, "turn.end of the interrupted turn", Timeout);
            if (end != null) report.Expect(end.Interrupted, "turn.end says interrupted: true (said: '" + end.Text + "')");
            if (speaking != null) speaking.Wait(Timeout);
        }

        void Finish()
        {
            session.EndAsync().GetAwaiter().GetResult();
            var ended = events.WaitFor<EndedEvent>(e => true, "ended", Timeout);
            report.Expect(ended != null && ended.Conversation == session.Conversation.Id, "ended");
            var closed = events.WaitFor<ClosedEvent>(e => true, "the server closing the socket", Timeout);
            report.Expect(closed != null && closed.CloseCode == 1000, "socket closed with 1000" + (closed == null ? "" : " (got " + closed.CloseCode + ")"));
        }

        /// <summary>Streams the WAV as a microphone would: 20 ms frames in real time.</summary>
        Task StreamAsync(WavFile wav)
        {
            return Task.Run(async () =>
            {
                int frameBytes = 2 * wav.SampleRate * FrameMs / 1000;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                int frames = 0;
                for (int at = 0; at + frameBytes <= wav.Pcm.Length; at += frameBytes)
                {
                    await session.SendAudioAsync(wav.Pcm, at, frameBytes).ConfigureAwait(false);
                    frames++;
                    long due = frames * FrameMs - clock.ElapsedMilliseconds;
                    if (due > 0) await Task.Delay((int)due).ConfigureAwait(false);
                }
            });
        }

        static string Normalize(string text)
        {
            return new string(text.Where(c => char.IsLetterOrDigit(c)).ToArray());
        }
    }
}
