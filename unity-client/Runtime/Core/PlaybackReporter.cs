using System;
using System.Threading;
using System.Threading.Tasks;

namespace AvatarTalk.Realtime
{
    /// <summary>
    /// Sends `playback {turn, played_samples}`: every ~250 ms while a turn plays, when its
    /// last chunk has played, and at once after a flush, so the server records what the
    /// avatar really said.
    /// </summary>
    public sealed class PlaybackReporter : IDisposable
    {
        readonly PlaybackBuffer buffer;
        readonly TimeSpan interval;
        readonly CancellationTokenSource stop = new CancellationTokenSource();
        RealtimeClient client;
        int lastTurn = -1;
        long lastPlayed = -1;

        public PlaybackReporter(PlaybackBuffer buffer, TimeSpan interval)
        {
            this.buffer = buffer;
            this.interval = interval;
            Task.Run(() => LoopAsync());
        }

        public void Attach(RealtimeClient next) { client = next; }

        public void Detach(RealtimeClient old) { if (client == old) client = null; }

        public void ReportNow(int turn, long played) { Send(turn, played); }

        async Task LoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(interval, stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                foreach (var report in buffer.TakeReports()) Send(report.Turn, report.PlayedSamples);
                var head = buffer.Playhead;
                if (head.Playing && (head.Turn != lastTurn || head.TurnPlayedSamples != lastPlayed))
                    Send(head.Turn, head.TurnPlayedSamples);
            }
        }

        void Send(int turn, long played)
        {
            var c = client;
            lastTurn = turn;
            lastPlayed = played;
            if (c == null || !c.IsOpen) return;
            // Fire and forget: a failed send shows up as the socket closing.
            c.SendPlaybackAsync(turn, played).ContinueWith(t => { var ignored = t.Exception; }, TaskContinuationOptions.OnlyOnFaulted);
        }

        public void Dispose() { stop.Cancel(); }
    }
}
