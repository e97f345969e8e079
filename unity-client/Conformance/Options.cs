using System;
using System.Collections.Generic;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>Command-line options: --name value pairs.</summary>
    sealed class Options
    {
        public string Server, Username, Password, Token, Persona = "haru", Wav, Transcript, WsPath;
        public string BargeIn = "interrupt"; // interrupt | speech | none
        public string SecondText = "하나만 더 길게 이야기해 줘.";
        public string ExpectRefusal; // token_expired | token_revoked | any: the token must be refused
        public int TimeoutS = 60;

        public const string Usage =
            "usage: conformance.exe --server http://host:port (--username U --password P | --token T)\n" +
            "         [--persona haru] --wav speech.wav --transcript \"expected text\" [--barge-in interrupt|speech|none]\n" +
            "       conformance.exe --server URL --token T --expect-refusal token_expired|token_revoked|any [--ws-path /ws/conversations/N/]";

        public static Options Parse(string[] args)
        {
            var o = new Options();
            var values = new Dictionary<string, string>();
            for (int i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                    throw new ArgumentException("bad argument '" + args[i] + "'");
                values[args[i].Substring(2)] = args[i + 1];
            }
            string v;
            if (values.TryGetValue("server", out v)) o.Server = v;
            if (values.TryGetValue("username", out v)) o.Username = v;
            if (values.TryGetValue("password", out v)) o.Password = v;
            if (values.TryGetValue("token", out v)) o.Token = v;
            if (values.TryGetValue("persona", out v)) o.Persona = v;
            if (values.TryGetValue("wav", out v)) o.Wav = v;
            if (values.TryGetValue("transcript", out v)) o.Transcript = v;
            if (values.TryGetValue("ws-path", out v)) o.WsPath = v;
            if (values.TryGetValue("barge-in", out v)) o.BargeIn = v;
            if (values.TryGetValue("second-text", out v)) o.SecondText = v;
            if (values.TryGetValue("expect-refusal", out v)) o.ExpectRefusal = v;
            if (values.TryGetValue("timeout", out v)) o.TimeoutS = int.Parse(v);
            if (o.Server == null) throw new ArgumentException("--server is required");
            if (o.Token == null && (o.Username == null || o.Password == null)) throw new ArgumentException("give --username and --password, or --token");
            if (o.ExpectRefusal == null && (o.Wav == null || o.Transcript == null)) throw new ArgumentException("--wav and --transcript are required");
            return o;
        }
    }
}
