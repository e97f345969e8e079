using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>Takes events from the session in order, validating each, until one matches.</summary>
    sealed class EventWaiter
    {
        readonly ConversationSession session;
        readonly StreamValidator validator;
        readonly Report report;
        public readonly List<ServerEvent> Seen = new List<ServerEvent>();

        public EventWaiter(ConversationSession session, StreamValidator validator, Report report)
        {
            this.session = session;
            this.validator = validator;
            this.report = report;
        }

        /// <summary>The first event matching `match`, or null (and a failure) after `timeout`.</summary>
        public T WaitFor<T>(Func<T, bool> match, string what, TimeSpan timeout) where T : ServerEvent
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                ServerEvent e;
                if (!session.TryTakeEvent(out e, 100)) continue;
                Seen.Add(e);
                validator.Observe(e);
                Log(e);
                var typed = e as T;
                if (typed != null && match(typed)) return typed;
                var closed = e as ClosedEvent;
                if (closed != null && !(typeof(T) == typeof(ClosedEvent)))
                {
                    report.Fail("socket closed (" + closed.CloseCode + ": " + ReconnectPolicy.Describe(closed.CloseCode) + ") while waiting for " + what);
                }
                var error = e as ClientErrorEvent;
                if (error != null && error.Fatal) { report.Fail(error.Message + " (while waiting for " + what + ")"); return null; }
            }
            report.Fail("timed out after " + timeout.TotalSeconds + " s waiting for " + what);
            return null;
        }

        static void Log(ServerEvent e)
        {
            if (e is AudioEvent) return; // too many to print
            var error = e as ErrorEvent;
            if (error != null) Console.WriteLine("     server error " + error.Code + ": " + error.Message);
            var client = e as ClientErrorEvent;
            if (client != null) Console.WriteLine("     client error " + client.Code + ": " + client.Message);
        }
    }
}
