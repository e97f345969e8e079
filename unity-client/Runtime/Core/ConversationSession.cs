using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace AvatarTalk.Realtime
{
    public sealed class SessionOptions
    {
        public int MicSampleRate = 16000;
        public int OutputSampleRate = 48000;
        public string Mode = ClientMessages.HandsFree;
        public string ClientName = "unity/1.0";
        public int PrebufferMs = 60;
        public TimeSpan PlaybackReportInterval = TimeSpan.FromMilliseconds(250);
        public ReconnectPolicy Reconnect = new ReconnectPolicy();
    }

    /// <summary>
    /// A whole conversation: token, connection, reconnect with back-off, the playback buffer,
    /// the cue scheduler and `playback` reports. Events (server and client-side) queue in
    /// order for the application: call TryTakeEvent from the main thread (Unity Update).
    /// </summary>
    public sealed class ConversationSession : IDisposable
    {
        readonly ApiClient api;
        readonly TokenSource tokens;
        readonly string personaSlug;
        readonly SessionOptions options;
        readonly BlockingCollection<ServerEvent> inbox = new BlockingCollection<ServerEvent>();
        readonly CancellationTokenSource stop = new CancellationTokenSource();
        readonly PlaybackBuffer playback;
        readonly CueScheduler cues = new CueScheduler();
        readonly PlaybackReporter reporter;
        RealtimeClient client;
        Task runLoop = Task.FromResult(0);
        bool ended;

        public ConversationSession(ApiClient api, TokenSource tokens, string personaSlug, SessionOptions options = null)
        {
            this.api = api;
            this.tokens = tokens;
            this.personaSlug = personaSlug;
            this.options = options ?? new SessionOptions();
            playback = new PlaybackBuffer(this.options.OutputSampleRate, this.options.PrebufferMs);
            reporter = new PlaybackReporter(playback, this.options.PlaybackReportInterval);
        }

        public PlaybackBuffer Playback { get { return playback; } }
        public CueScheduler Cues { get { return cues; } }
        public ConversationInfo Conversation { get; private set; }
        /// <summary>Finishes when the session stops for good.</summary>
        public Task Completion { get { return runLoop; } }
        public bool IsConnected { get { var c = client; return c != null && c.IsOpen; } }

        /// <summary>Creates the conversation (unless `existing` is given) and keeps it connected.</summary>
        public async Task StartAsync(ConversationInfo existing = null)
        {
            string token = await tokens.GetAsync(stop.Token).ConfigureAwait(false);
            if (existing == null)
            {
                try { existing = await api.CreateConversationAsync(token, personaSlug, stop.Token).ConfigureAwait(false); }
                catch (ApiException e) when (e.IsTokenProblem)
                {
                    token = await tokens.RefreshAsync(token, e.Code, stop.Token).ConfigureAwait(false);
                    existing = await api.CreateConversationAsync(token, personaSlug, stop.Token).ConfigureAwait(false);
                }
            }
            Conversation = existing;
            runLoop = Task.Run(() => RunAsync());
        }

        public bool TryTakeEvent(out ServerEvent e, int timeoutMs = 0) { return inbox.TryTake(out e, timeoutMs); }

        /// <summary>The avatar's mouth and expression for the audio playing now.</summary>
        public AvatarPose CurrentPose() { return cues.Update(playback.Playhead); }

        public Task SendAudioAsync(byte[] pcm, int offset, int count)
        {
            var c = client;
            // Mic audio while reconnecting is dropped: it would be stale by the time we are back.
            return c != null && c.IsOpen ? c.SendAudioAsync(pcm, offset, count) : Task.FromResult(0);
        }

        public Task SendTextAsync(string text) { return WithClient(c => c.SendTextAsync(text)); }
        public Task CommitAsync() { return WithClient(c => c.SendAudioCommitAsync()); }

        /// <summary>The stop button: barge in on the avatar turn that is playing.</summary>
        public Task InterruptAsync()
        {
            var head = playback.Playhead;
            return WithClient(c => head.Turn > 0
                ? c.SendInterruptAsync(head.Turn, head.TurnPlayedSamples)
                : c.SendInterruptAsync(null, null));
        }

        public async Task EndAsync()
        {
            ended = true;
            await WithClient(c => c.SendEndAsync()).ConfigureAwait(false);
        }

        Task WithClient(Func<RealtimeClient, Task> send)
        {
            var c = client;
            if (c == null || !c.IsOpen) return Task.FromResult(0);
            return send(c);
        }

        async Task RunAsync()
        {
            int attempt = 0;
            while (!stop.IsCancellationRequested)
            {
                ClosedEvent closed = await ConnectOnceAsync(attempt).ConfigureAwait(false);
                if (closed == null || stop.IsCancellationRequested || ended) return;
                if (closed.CloseCode == 4401)
                {
                    if (!await TryRefreshTokenAsync(closed).ConfigureAwait(false)) return;
                    attempt = 0;
                    continue;
                }
                if (ReconnectPolicy.IsFinal(closed.CloseCode))
                {
                    Fail("closed_" + closed.CloseCode, "Not reconnecting: " + ReconnectPolicy.Describe(closed.CloseCode));
                    return;
                }
                attempt++;
                if (attempt > options.Reconnect.MaxAttempts)
                {
                    Fail("reconnect_failed", "Gave up reconnecting after " + options.Reconnect.MaxAttempts + " attempts (" + ReconnectPolicy.Describe(closed.CloseCode) + ")");
                    return;
                }
                try { await Task.Delay(options.Reconnect.DelayFor(attempt), stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }

        /// <summary>Connects, sends start, pumps until the socket closes; null when it could not start.</summary>
        async Task<ClosedEvent> ConnectOnceAsync(int attempt)
        {
            var done = new TaskCompletionSource<ClosedEvent>();
            var next = new RealtimeClient();
            next.FrameRejected += message => inbox.Add(new ClientErrorEvent { Type = "client.error", Code = "bad_frame", Message = message });
            next.EventReceived += e => { Handle(e); if (e is ClosedEvent) done.TrySetResult((ClosedEvent)e); };
            try
            {
                string token = await tokens.GetAsync(stop.Token).ConfigureAwait(false);
                await next.ConnectAsync(api.WebSocketUri(Conversation.WebsocketPath), token, stop.Token).ConfigureAwait(false);
                client = next;
                await next.SendStartAsync(options.MicSampleRate, options.Mode, options.ClientName).ConfigureAwait(false);
                inbox.Add(new ConnectedEvent { Type = "connected", Attempt = attempt });
                reporter.Attach(next);
            }
            catch (AuthenticationException e)
            {
                Fail(e.Code, e.Message);
                next.Dispose();
                return null;
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                next.Dispose();
                return new ClosedEvent { Type = "closed", Reason = e.Message };
            }
            catch (OperationCanceledException) { next.Dispose(); return null; }
            var closed = await done.Task.ConfigureAwait(false);
            reporter.Detach(next);
            next.Dispose();
            return closed;
        }

        async Task<bool> TryRefreshTokenAsync(ClosedEvent closed)
        {
            var current = tokens.Current;
            try
            {
                await tokens.RefreshAsync(current == null ? null : current.Secret, "token_rejected", stop.Token).ConfigureAwait(false);
                return true;
            }
            catch (AuthenticationException e)
            {
                Fail(e.Code, "The server closed with 4401 (" + ReconnectPolicy.Describe(4401) + "). " + e.Message);
                return false;
            }
        }

        /// <summary>Feeds audio and cues to the buffers (on the receive thread), then queues the event.</summary>
        void Handle(ServerEvent e)
        {
            var audio = e as AudioEvent;
            if (audio != null) playback.Enqueue(audio.Chunk);
            var visemes = e as VisemesEvent;
            if (visemes != null) cues.Add(visemes);
            var expression = e as ExpressionEvent;
            if (expression != null) cues.Add(expression);
            var interrupted = e as InterruptedEvent;
            if (interrupted != null)
            {
                long played = playback.Flush(interrupted.Turn);
                cues.Flush(interrupted.Turn);
                reporter.ReportNow(interrupted.Turn, played);
            }
            var turnEnd = e as TurnEndEvent;
            if (turnEnd != null && !turnEnd.Interrupted) playback.CompleteTurn(turnEnd.Turn, turnEnd.AudioSamples);
            if (e is ClosedEvent) playback.Clear();
            inbox.Add(e);
        }

        void Fail(string code, string message)
        {
            inbox.Add(new ClientErrorEvent { Type = "client.error", Code = code, Message = message, Fatal = true });
        }

        /// <summary>Closes the socket and stops reconnecting.</summary>
        public void Dispose()
        {
            ended = true;
            stop.Cancel();
            reporter.Dispose();
            var c = client;
            if (c != null) { c.CloseAsync().Wait(1000); c.Dispose(); }
        }
    }
}
