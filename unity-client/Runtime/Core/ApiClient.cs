using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AvatarTalk.Realtime
{
    /// <summary>An HTTP API refusal with the server's error code (bad_credentials, token_expired, ...).</summary>
    public sealed class ApiException : Exception
    {
        public readonly int Status;
        public readonly string Code;

        public ApiException(int status, string code, string message)
            : base(message + " (HTTP " + status + (string.IsNullOrEmpty(code) ? "" : ", " + code) + ")")
        {
            Status = status;
            Code = code;
        }

        public bool IsTokenProblem
        {
            get { return Status == 401 && Code != null && Code.StartsWith("token_", StringComparison.Ordinal); }
        }
    }

    public sealed class ApiToken
    {
        public long Id;
        public string Secret;
        public DateTime? ExpiresAtUtc;

        public bool IsExpired(DateTime nowUtc) { return ExpiresAtUtc.HasValue && ExpiresAtUtc.Value <= nowUtc; }
    }

    public sealed class ConversationInfo
    {
        public long Id;
        public string WebsocketPath;
    }

    /// <summary>The REST calls a native client needs: token login and creating a conversation.</summary>
    public sealed class ApiClient : IDisposable
    {
        readonly HttpClient http;
        readonly Uri baseUri;

        /// <param name="baseUrl">e.g. "https://avatar.example.com" (http:// only for development).</param>
        public ApiClient(string baseUrl, HttpClient http = null)
        {
            baseUri = new Uri(baseUrl.TrimEnd('/') + "/");
            this.http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        }

        public Uri BaseUri { get { return baseUri; } }

        /// <summary>POST /api/auth/token; ApiException(401, "bad_credentials") or (429, ...) when refused.</summary>
        public async Task<ApiToken> LoginAsync(string username, string password, string tokenName, CancellationToken cancel)
        {
            var body = new Dictionary<string, object> { { "username", username }, { "password", password }, { "name", tokenName ?? "Unity client" } };
            var reply = await SendAsync(HttpMethod.Post, "api/auth/token", body, null, cancel).ConfigureAwait(false);
            var token = new ApiToken { Id = reply.OptLong("id") ?? 0, Secret = reply.String("token") };
            DateTime expires;
            var text = reply.OptString("expires_at");
            if (text != null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out expires))
                token.ExpiresAtUtc = expires;
            return token;
        }

        /// <summary>POST /api/conversations/ with a persona slug.</summary>
        public async Task<ConversationInfo> CreateConversationAsync(string token, string personaSlug, CancellationToken cancel)
        {
            var body = new Dictionary<string, object> { { "persona", personaSlug } };
            var reply = await SendAsync(HttpMethod.Post, "api/conversations/", body, token, cancel).ConfigureAwait(false);
            return new ConversationInfo { Id = reply.Long("id"), WebsocketPath = reply.String("websocket_path") };
        }

        /// <summary>The ws:// or wss:// address of a websocket path on this server.</summary>
        public Uri WebSocketUri(string path)
        {
            var builder = new UriBuilder(new Uri(baseUri, path));
            builder.Scheme = baseUri.Scheme == "https" ? "wss" : "ws";
            return builder.Uri;
        }

        async Task<JsonFields> SendAsync(HttpMethod method, string path, object body, string token, CancellationToken cancel)
        {
            using (var request = new HttpRequestMessage(method, new Uri(baseUri, path)))
            {
                if (body != null) request.Content = new StringContent(Json.Write(body), Encoding.UTF8, "application/json");
                if (token != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using (var response = await http.SendAsync(request, cancel).ConfigureAwait(false))
                {
                    string text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode) throw Refusal((int)response.StatusCode, text);
                    var map = TryParseObject(text);
                    if (map == null) throw new ApiException((int)response.StatusCode, "bad_response", "The server's answer is not a JSON object");
                    return new JsonFields(map, path);
                }
            }
        }

        static ApiException Refusal(int status, string text)
        {
            // Errors look like {"error": {"code": ..., "message": ...}}.
            var map = TryParseObject(text);
            string code = null, message = "The server refused the request";
            object error;
            if (map != null && map.TryGetValue("error", out error) && error is IDictionary<string, object>)
            {
                var fields = new JsonFields((IDictionary<string, object>)error, "error");
                code = fields.OptScalarText("code");
                message = fields.OptScalarText("message") ?? message;
            }
            if (status == 429 && code == null) code = "rate_limited";
            return new ApiException(status, code, message);
        }

        static IDictionary<string, object> TryParseObject(string text)
        {
            try { return Json.Parse(text) as IDictionary<string, object>; }
            catch (JsonFormatException) { return null; }
        }

        public void Dispose() { http.Dispose(); }
    }
}
