using System;
using System.Threading;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>An expired or revoked token must be refused: API 401 with its code, websocket close 4401.</summary>
    sealed class TokenRefusalCheck
    {
        readonly Options options;
        readonly Report report = new Report();

        public TokenRefusalCheck(Options options) { this.options = options; }

        public int Run()
        {
            var api = new ApiClient(options.Server);
            CheckApi(api);
            if (options.WsPath != null) CheckWebSocket(api);
            Console.WriteLine(report.FailureCount == 0 ? "TOKEN REFUSAL PASSED" : "TOKEN REFUSAL FAILED: " + report.FailureCount + " check(s)");
            return report.FailureCount == 0 ? 0 : 1;
        }

        bool CodeMatches(string code)
        {
            return options.ExpectRefusal == "any" ? code != null && code.StartsWith("token_", StringComparison.Ordinal) : code == options.ExpectRefusal;
        }

        void CheckApi(ApiClient api)
        {
            try
            {
                api.CreateConversationAsync(options.Token, options.Persona, CancellationToken.None).GetAwaiter().GetResult();
                report.Fail("the API accepted the token; expected 401 " + options.ExpectRefusal);
            }
            catch (ApiException e)
            {
                Console.WriteLine("     API refused the token: " + e.Message);
                report.Expect(e.Status == 401 && CodeMatches(e.Code), "API refuses the token with 401 " + options.ExpectRefusal + " (got " + e.Status + " " + e.Code + ")");
            }
        }

        void CheckWebSocket(ApiClient api)
        {
            // A token-only source cannot refresh: the runner must report the refusal, not loop.
            using (var client = new RealtimeClient())
            {
                var closed = new System.Threading.Tasks.TaskCompletionSource<ClosedEvent>();
                client.EventReceived += e => { if (e is ClosedEvent) closed.TrySetResult((ClosedEvent)e); };
                try
                {
                    client.ConnectAsync(api.WebSocketUri(options.WsPath), options.Token, CancellationToken.None).GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    report.Fail("websocket handshake failed instead of closing with 4401: " + e.Message);
                    return;
                }
                if (!closed.Task.Wait(TimeSpan.FromSeconds(options.TimeoutS)))
                {
                    report.Fail("the server kept the socket open for a refused token");
                    return;
                }
                int? code = closed.Task.Result.CloseCode;
                Console.WriteLine("     websocket closed: " + code + " (" + ReconnectPolicy.Describe(code) + ")");
                report.Expect(code == 4401, "websocket closes with 4401 (got " + code + ")");
                report.Expect(ReconnectPolicy.IsFinal(code), "the client does not reconnect after " + code);
            }
        }
    }
}
