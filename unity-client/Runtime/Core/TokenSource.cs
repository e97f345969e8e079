using System;
using System.Threading;
using System.Threading.Tasks;

namespace AvatarTalk.Realtime
{
    /// <summary>Thrown when no usable token can be had: the message says what to fix.</summary>
    public sealed class AuthenticationException : Exception
    {
        public readonly string Code;

        public AuthenticationException(string code, string message, Exception inner = null) : base(message, inner)
        {
            Code = code;
        }
    }

    /// <summary>
    /// Holds the bearer token. With stored credentials an expired or refused token is
    /// replaced by logging in again; with a fixed token only, a refusal is final.
    /// </summary>
    public sealed class TokenSource
    {
        readonly ApiClient api;
        readonly string username;
        readonly string password;
        readonly string tokenName;
        readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        ApiToken token;

        public TokenSource(ApiClient api, string username, string password, string tokenName = "Unity client")
        {
            this.api = api;
            this.username = username;
            this.password = password;
            this.tokenName = tokenName;
        }

        /// <summary>A source for a token issued elsewhere (no credentials: no refresh).</summary>
        public static TokenSource FromToken(ApiClient api, string secret)
        {
            var source = new TokenSource(api, null, null);
            source.token = new ApiToken { Secret = secret };
            return source;
        }

        public bool CanRefresh { get { return !string.IsNullOrEmpty(username) && password != null; } }

        public ApiToken Current { get { return token; } }

        /// <summary>A token believed valid; logs in when there is none or it has expired.</summary>
        public async Task<string> GetAsync(CancellationToken cancel)
        {
            await gate.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                if (token == null || token.IsExpired(DateTime.UtcNow.AddSeconds(30)))
                {
                    if (!CanRefresh)
                        throw new AuthenticationException("token_expired", "The API token has expired and no credentials are set to get a new one.");
                    await LoginLocked(cancel).ConfigureAwait(false);
                }
                return token.Secret;
            }
            finally { gate.Release(); }
        }

        /// <summary>The server refused `rejected` (HTTP 401 / close 4401): log in again if we can.</summary>
        public async Task<string> RefreshAsync(string rejected, string reason, CancellationToken cancel)
        {
            await gate.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                if (token != null && token.Secret != rejected) return token.Secret; // someone refreshed already
                if (!CanRefresh)
                    throw new AuthenticationException(reason ?? "token_rejected",
                        "The server refused the API token (" + (reason ?? "401") + "); set a new token or credentials.");
                await LoginLocked(cancel).ConfigureAwait(false);
                return token.Secret;
            }
            finally { gate.Release(); }
        }

        async Task LoginLocked(CancellationToken cancel)
        {
            try
            {
                token = await api.LoginAsync(username, password, tokenName, cancel).ConfigureAwait(false);
            }
            catch (ApiException e)
            {
                token = null;
                string why = e.Status == 429 ? "Too many login attempts; wait and try again."
                    : e.Status == 401 || e.Code == "bad_credentials" ? "Login refused: the username or password is wrong."
                    : "Login failed: " + e.Message;
                throw new AuthenticationException(e.Code ?? "login_failed", why, e);
            }
        }
    }
}
