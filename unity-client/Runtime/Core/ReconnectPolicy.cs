using System;

namespace AvatarTalk.Realtime
{
    /// <summary>Exponential back-off with jitter, and which close codes must not be retried.</summary>
    public sealed class ReconnectPolicy
    {
        public TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
        public TimeSpan MaxDelay = TimeSpan.FromSeconds(15);
        public int MaxAttempts = 8;
        readonly Random random = new Random();

        /// <summary>Delay before attempt `attempt` (1-based): doubles each time, ±20% so clients don't stampede.</summary>
        public TimeSpan DelayFor(int attempt)
        {
            double ms = FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
            ms = Math.Min(ms, MaxDelay.TotalMilliseconds);
            double jitter;
            lock (random) jitter = 0.8 + 0.4 * random.NextDouble();
            return TimeSpan.FromMilliseconds(ms * jitter);
        }

        /// <summary>Close codes the protocol says not to reconnect after (4401 is retried only with a fresh token).</summary>
        public static bool IsFinal(int? closeCode)
        {
            return closeCode == 1000 || closeCode == 4401 || closeCode == 4403 || closeCode == 4404 || closeCode == 4409;
        }

        public static string Describe(int? closeCode)
        {
            switch (closeCode ?? 0)
            {
                case 0: return "connection lost";
                case 1000: return "closed normally";
                case 4400: return "bad request: the client broke the protocol";
                case 4401: return "unauthenticated: the token is bad, expired or revoked";
                case 4403: return "forbidden: not your conversation";
                case 4404: return "the conversation does not exist";
                case 4408: return "idle timeout";
                case 4409: return "the conversation has already ended";
                case 4429: return "too many messages";
                case 4500: return "server error";
                default: return "closed with code " + closeCode;
            }
        }
    }

    /// <summary>Client-side problem surfaced in the event stream (malformed frame, auth, gave up reconnecting).</summary>
    public sealed class ClientErrorEvent : ServerEvent
    {
        public string Code;
        public string Message;
        /// <summary>True when the session stopped for good.</summary>
        public bool Fatal;
    }

    /// <summary>Client-side: connected (again) and `start` was sent.</summary>
    public sealed class ConnectedEvent : ServerEvent
    {
        public int Attempt;
    }
}
