using System;
using System.Collections.Generic;

namespace AvatarTalk.Realtime
{
    /// <summary>Encoders for the client → server JSON messages of protocol v1.</summary>
    public static class ClientMessages
    {
        public const int ProtocolVersion = 1;
        public const string HandsFree = "hands_free";
        public const string PushToTalk = "push_to_talk";

        public static string Start(int sampleRate, string mode = HandsFree, string client = "unity/1.0")
        {
            var message = Message("start");
            message["protocol"] = ProtocolVersion;
            message["audio"] = new Dictionary<string, object>
            {
                { "encoding", "pcm_s16le" }, { "sample_rate", sampleRate }, { "channels", 1 },
            };
            message["mode"] = mode;
            if (!string.IsNullOrEmpty(client)) message["client"] = client;
            return Json.Write(message);
        }

        public static string Text(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("text must not be blank");
            var message = Message("text");
            message["text"] = text;
            return Json.Write(message);
        }

        public static string AudioCommit() { return Json.Write(Message("audio.commit")); }

        public static string Interrupt(int? turn = null, long? playedSamples = null)
        {
            var message = Message("interrupt");
            if (turn.HasValue) message["turn"] = turn.Value;
            if (playedSamples.HasValue) message["played_samples"] = playedSamples.Value;
            return Json.Write(message);
        }

        public static string Playback(int turn, long playedSamples)
        {
            var message = Message("playback");
            message["turn"] = turn;
            message["played_samples"] = Math.Max(0, playedSamples);
            return Json.Write(message);
        }

        public static string End() { return Json.Write(Message("end")); }

        public static string Ping(string id = null)
        {
            var message = Message("ping");
            if (id != null) message["id"] = id;
            return Json.Write(message);
        }

        public static string Ping(long id)
        {
            var message = Message("ping");
            message["id"] = id;
            return Json.Write(message);
        }

        static Dictionary<string, object> Message(string type)
        {
            return new Dictionary<string, object> { { "type", type } };
        }
    }
}
