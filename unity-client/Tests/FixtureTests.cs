using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace AvatarTalk.Realtime.Tests
{
    /// <summary>
    /// Parses every golden server fixture into its typed class, checks the binary audio
    /// header against audio_chunk.json, and encodes every client fixture identically.
    /// Usage: fixtures.exe tests/fixtures/protocol
    /// </summary>
    public static class FixtureTests
    {
        static readonly Dictionary<string, Type> Expected = new Dictionary<string, Type>
        {
            { "ready", typeof(ReadyEvent) }, { "vad", typeof(VadEvent) }, { "transcript", typeof(TranscriptEvent) },
            { "reply.delta", typeof(ReplyDeltaEvent) }, { "expression", typeof(ExpressionEvent) },
            { "visemes", typeof(VisemesEvent) }, { "turn.end", typeof(TurnEndEvent) },
            { "interrupted", typeof(InterruptedEvent) }, { "error", typeof(ErrorEvent) },
            { "pong", typeof(PongEvent) }, { "ended", typeof(EndedEvent) },
        };

        public static int Main(string[] args)
        {
            if (args.Length != 1) { Console.Error.WriteLine("usage: fixtures.exe FIXTURES_DIR"); return 2; }
            var check = new Check();
            string root = args[0];
            var seen = new HashSet<string>();
            foreach (string path in Sorted(Path.Combine(root, "server")))
                check.Run(path, () => seen.Add(ServerFixture(check, path)));
            foreach (string type in Expected.Keys)
                check.That(seen.Contains(type), "a server fixture exists for '" + type + "'");
            foreach (string path in Sorted(Path.Combine(root, "client")))
                check.Run(path, () => ClientFixture(check, path));
            check.Run("audio_chunk", () => AudioFixture(check, root));
            check.Run("forward compatibility", () => ForwardCompatibility(check));
            CoreTests.RunAll(check);
            return check.Finish();
        }

        static string[] Sorted(string dir)
        {
            var files = Directory.GetFiles(dir, "*.json");
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }

        static string ServerFixture(Check check, string path)
        {
            string text = File.ReadAllText(path, Encoding.UTF8);
            var raw = (IDictionary<string, object>)Json.Parse(text);
            var parsed = ServerEventParser.Parse(text);
            string type = (string)raw["type"];
            string name = Path.GetFileName(path);
            check.Equal(Path.GetFileNameWithoutExtension(path), type, name + " file name matches type");
            Type expected;
            if (Expected.TryGetValue(type, out expected))
                check.Equal(expected.Name, parsed.GetType().Name, name + " parses to its typed class");
            else
                check.Equal("UnknownEvent", parsed.GetType().Name, name + " (type unknown to this client)");
            check.Equal(type, parsed.Type, name + " keeps its type");
            FieldChecks.Verify(check, name, parsed, new JsonFields(raw, name));
            return type;
        }

        static void ClientFixture(Check check, string path)
        {
            string text = File.ReadAllText(path, Encoding.UTF8);
            var f = new JsonFields((IDictionary<string, object>)Json.Parse(text), path);
            string encoded;
            switch (f.String("type"))
            {
                case "start":
                    var audio = f.Object("audio");
                    encoded = ClientMessages.Start(audio.Int("sample_rate"), f.OptString("mode", ClientMessages.HandsFree), f.OptString("client"));
                    break;
                case "text": encoded = ClientMessages.Text(f.String("text")); break;
                case "audio.commit": encoded = ClientMessages.AudioCommit(); break;
                case "interrupt": encoded = ClientMessages.Interrupt(f.OptInt("turn"), f.OptLong("played_samples")); break;
                case "playback": encoded = ClientMessages.Playback(f.Int("turn"), f.Long("played_samples")); break;
                case "end": encoded = ClientMessages.End(); break;
                case "ping":
                    object id;
                    f.Map.TryGetValue("id", out id);
                    encoded = id is long ? ClientMessages.Ping((long)id) : ClientMessages.Ping((string)id);
                    break;
                default:
                    check.That(false, Path.GetFileName(path) + ": no encoder for type " + f.String("type"));
                    return;
            }
            check.That(Json.DeepEquals(Json.Parse(text), Json.Parse(encoded)),
                Path.GetFileName(path) + " is encoded identically (got " + encoded + ")");
        }

        static void AudioFixture(Check check, string root)
        {
            byte[] frame = File.ReadAllBytes(Path.Combine(root, "audio_chunk.bin"));
            var f = new JsonFields((IDictionary<string, object>)Json.Parse(File.ReadAllText(Path.Combine(root, "audio_chunk.json"))), "audio_chunk.json");
            var chunk = AudioChunk.Decode(frame);
            check.Equal(f.Int("version"), chunk.Version, "audio version");
            check.Equal(f.Int("flags"), chunk.Flags, "audio flags");
            check.Equal(f.Int("reserved"), chunk.Reserved, "audio reserved");
            check.Equal(f.Bool("last"), chunk.IsLast, "audio last flag");
            check.Equal(f.Int("turn"), chunk.Turn, "audio turn");
            check.Equal(f.Int("seq"), chunk.Seq, "audio seq");
            check.Equal(f.Int("sample_rate"), chunk.SampleRate, "audio sample_rate");
            check.Equal(f.Long("first_sample"), chunk.FirstSample, "audio first_sample");
            check.Equal(f.Int("pcm_samples"), chunk.Samples.Length, "audio sample count");
            check.Equal(f.Int("frame_bytes"), frame.Length, "audio frame length");
            check.Equal(f.String("header_hex"), BitConverter.ToString(chunk.EncodeHeader()).Replace("-", "").ToLowerInvariant(), "audio header re-encodes");
            var first = f.Array("first_samples");
            for (int i = 0; i < first.Count; i++)
                check.Equal((long)first[i], (long)chunk.Samples[i], "audio sample " + i);
            check.That(Throws(() => AudioChunk.Decode(new byte[10])), "a 10-byte audio frame is rejected");
            var badVersion = (byte[])frame.Clone();
            badVersion[0] = 2;
            check.That(Throws(() => AudioChunk.Decode(badVersion)), "audio version 2 is rejected");
            var reservedBits = (byte[])frame.Clone();
            reservedBits[1] = 0xF1;
            check.That(AudioChunk.Decode(reservedBits).IsLast, "reserved flag bits are ignored");
        }

        static void ForwardCompatibility(Check check)
        {
            var unknown = ServerEventParser.Parse("{\"type\": \"avatar.gesture\", \"name\": \"wave\"}");
            check.Equal("UnknownEvent", unknown.GetType().Name, "unknown event type becomes UnknownEvent");
            check.Equal("wave", (string)unknown.Raw["name"], "UnknownEvent keeps its fields");
            var extra = ServerEventParser.Parse("{\"type\": \"vad\", \"state\": \"start\", \"at_ms\": 10, \"confidence\": 0.9, \"new\": {\"x\": [1]}}");
            check.That(extra is VadEvent && ((VadEvent)extra).AtMs == 10, "extra fields are ignored");
            check.That(Throws(() => ServerEventParser.Parse("{not json")), "non-JSON frame is a ProtocolFormatException");
            check.That(Throws(() => ServerEventParser.Parse("[1, 2]")), "an array frame is rejected");
            check.That(Throws(() => ServerEventParser.Parse("{\"type\": \"vad\"}")), "a known event missing fields is rejected");
            check.That(Throws(() => ServerEventParser.Parse("{\"type\": \"transcript\", \"turn\": \"2\", \"text\": \"x\"}")), "a string turn is rejected");
        }

        static bool Throws(Action action)
        {
            try { action(); return false; }
            catch (ProtocolFormatException) { return true; }
        }
    }
}
