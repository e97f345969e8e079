using System;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AvatarTalk.Realtime
{
    /// <summary>
    /// One websocket connection speaking protocol v1. Incoming frames are decoded on a
    /// background receive loop and handed to EventReceived (on that thread); a malformed
    /// frame goes to FrameRejected and is skipped. A ClosedEvent is always the last event.
    /// </summary>
    public sealed class RealtimeClient : IDisposable
    {
        const int MaxMessageBytes = 2 * AudioChunk.MaxFrameBytes;

        readonly ClientWebSocket socket = new ClientWebSocket();
        readonly SemaphoreSlim sendLock = new SemaphoreSlim(1, 1); // ClientWebSocket allows one send at a time
        readonly CancellationTokenSource stop = new CancellationTokenSource();
        Task receiveLoop;

        public event Action<ServerEvent> EventReceived;
        public event Action<string> FrameRejected;

        public Task Completion { get { return receiveLoop ?? Task.FromResult(0); } }

        public bool IsOpen { get { return socket.State == WebSocketState.Open; } }

        /// <summary>Opens the socket with `Authorization: Bearer` (tokens never go in the URL).</summary>
        public async Task ConnectAsync(Uri uri, string token, CancellationToken cancel)
        {
            if (!string.IsNullOrEmpty(token)) socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
            await socket.ConnectAsync(uri, cancel).ConfigureAwait(false);
            receiveLoop = Task.Run(() => ReceiveLoop(stop.Token));
        }

        public Task SendStartAsync(int sampleRate, string mode = ClientMessages.HandsFree, string client = "unity/1.0")
        {
            return SendTextFrameAsync(ClientMessages.Start(sampleRate, mode, client));
        }

        public Task SendTextAsync(string text) { return SendTextFrameAsync(ClientMessages.Text(text)); }
        public Task SendAudioCommitAsync() { return SendTextFrameAsync(ClientMessages.AudioCommit()); }
        public Task SendInterruptAsync(int? turn, long? playedSamples) { return SendTextFrameAsync(ClientMessages.Interrupt(turn, playedSamples)); }
        public Task SendPlaybackAsync(int turn, long playedSamples) { return SendTextFrameAsync(ClientMessages.Playback(turn, playedSamples)); }
        public Task SendEndAsync() { return SendTextFrameAsync(ClientMessages.End()); }
        public Task SendPingAsync(string id) { return SendTextFrameAsync(ClientMessages.Ping(id)); }

        /// <summary>Sends one JSON message (already encoded).</summary>
        public Task SendTextFrameAsync(string json)
        {
            return SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes(json)), WebSocketMessageType.Text);
        }

        /// <summary>Sends raw PCM16 LE mono (10–60 ms at the `start` sample rate), no header.</summary>
        public Task SendAudioAsync(byte[] pcm, int offset, int count)
        {
            return SendAsync(new ArraySegment<byte>(pcm, offset, count), WebSocketMessageType.Binary);
        }

        async Task SendAsync(ArraySegment<byte> data, WebSocketMessageType type)
        {
            await sendLock.WaitAsync(stop.Token).ConfigureAwait(false);
            try { await socket.SendAsync(data, type, true, stop.Token).ConfigureAwait(false); }
            finally { sendLock.Release(); }
        }

        /// <summary>Closes politely (1000); the receive loop then ends with a ClosedEvent.</summary>
        public async Task CloseAsync()
        {
            try
            {
                if (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException) { }
            catch (ObjectDisposedException) { }
        }

        async Task ReceiveLoop(CancellationToken cancel)
        {
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            int? closeCode = null;
            string reason = null;
            try
            {
                while (!cancel.IsCancellationRequested)
                {
                    var result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), cancel).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        closeCode = result.CloseStatus.HasValue ? (int?)(int)result.CloseStatus.Value : null;
                        reason = result.CloseStatusDescription;
                        await CloseAsync().ConfigureAwait(false);
                        break;
                    }
                    message.Write(buffer, 0, result.Count);
                    if (message.Length > MaxMessageBytes) throw new InvalidDataException("message over " + MaxMessageBytes + " bytes");
                    if (!result.EndOfMessage) continue;
                    Dispatch(result.MessageType, message.GetBuffer(), (int)message.Length);
                    message.SetLength(0);
                }
            }
            catch (OperationCanceledException) { reason = "cancelled"; }
            catch (Exception e) when (e is WebSocketException || e is IOException || e is ObjectDisposedException || e is InvalidDataException)
            {
                reason = e.Message;
            }
            Raise(new ClosedEvent { Type = "closed", CloseCode = closeCode ?? (int?)socket.CloseStatus, Reason = reason ?? socket.CloseStatusDescription });
        }

        void Dispatch(WebSocketMessageType type, byte[] data, int length)
        {
            ServerEvent decoded;
            try
            {
                if (type == WebSocketMessageType.Binary)
                {
                    var copy = new byte[length];
                    Buffer.BlockCopy(data, 0, copy, 0, length);
                    decoded = new AudioEvent { Type = "audio", Chunk = AudioChunk.Decode(copy) };
                }
                else
                {
                    decoded = ServerEventParser.Parse(Encoding.UTF8.GetString(data, 0, length));
                }
            }
            catch (ProtocolFormatException e)
            {
                var rejected = FrameRejected;
                if (rejected != null) rejected(e.Message);
                return;
            }
            Raise(decoded);
        }

        void Raise(ServerEvent e)
        {
            var handler = EventReceived;
            if (handler == null) return;
            try { handler(e); }
            catch (Exception error)
            {
                // A bug in a handler must not kill the receive loop.
                var rejected = FrameRejected;
                if (rejected != null) rejected("event handler failed on '" + e.Type + "': " + error.Message);
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            socket.Dispose();
        }
    }
}
