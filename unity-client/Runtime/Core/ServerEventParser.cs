using System.Collections.Generic;

namespace AvatarTalk.Realtime
{
    /// <summary>
    /// Turns one JSON text frame into a typed event. Unknown types become UnknownEvent and
    /// extra fields are ignored (forward compatible); a frame that is not JSON, or a known
    /// event missing a required field, throws ProtocolFormatException.
    /// </summary>
    public static class ServerEventParser
    {
        public static ServerEvent Parse(string text)
        {
            object parsed;
            try { parsed = Json.Parse(text); }
            catch (JsonFormatException e) { throw new ProtocolFormatException(e.Message); }
            var map = parsed as IDictionary<string, object>;
            if (map == null) throw new ProtocolFormatException("frame is not a JSON object");
            var type = GetType(map);
            var fields = new JsonFields(map, type);
            ServerEvent result = ParseKnown(type, fields) ?? new UnknownEvent();
            result.Type = type;
            result.Raw = map;
            return result;
        }

        static string GetType(IDictionary<string, object> map)
        {
            object type;
            if (!map.TryGetValue("type", out type) || !(type is string))
                throw new ProtocolFormatException("frame has no string 'type'");
            return (string)type;
        }

        static ServerEvent ParseKnown(string type, JsonFields f)
        {
            switch (type)
            {
                case "ready": return Ready(f);
                case "vad": return new VadEvent { State = f.String("state"), AtMs = f.Long("at_ms") };
                case "transcript":
                    return new TranscriptEvent { Turn = f.Int("turn"), Text = f.String("text"), Final = f.OptBool("final", true) };
                case "reply.delta": return new ReplyDeltaEvent { Turn = f.Int("turn"), Text = f.String("text") };
                case "expression":
                    return new ExpressionEvent
                    {
                        Turn = f.Int("turn"), Seq = f.Int("seq"), Offset = f.Long("offset"),
                        Emotion = f.String("emotion"), Intensity = f.OptDouble("intensity") ?? 1.0,
                    };
                case "visemes": return Visemes(f);
                case "turn.end": return TurnEnd(f);
                case "interrupted": return new InterruptedEvent { Turn = f.Int("turn"), Reason = f.OptString("reason", "") };
                case "error":
                    return new ErrorEvent
                    {
                        Code = f.String("code"), Message = f.OptString("message", ""),
                        Fatal = f.OptBool("fatal", false), Turn = f.OptInt("turn"),
                    };
                case "pong": return new PongEvent { Id = f.OptScalarText("id") };
                case "ended": return new EndedEvent { Conversation = f.OptLong("conversation") ?? 0 };
                default: return null;
            }
        }

        static ReadyEvent Ready(JsonFields f)
        {
            var ready = new ReadyEvent
            {
                Protocol = f.Int("protocol"),
                Conversation = f.Long("conversation"),
                Session = f.OptString("session"),
                Visemes = f.OptStrings("visemes"),
                Resumed = f.OptBool("resumed", false),
            };
            var persona = f.OptObject("persona");
            if (persona != null)
            {
                ready.Persona = new PersonaInfo
                {
                    Slug = persona.OptString("slug"), Name = persona.OptString("name"),
                    Language = persona.OptString("language"), Emotions = persona.OptStrings("emotions"),
                };
                var avatar = persona.OptObject("avatar");
                if (avatar != null)
                    ready.Persona.Avatar = new AvatarInfo { Style = avatar.OptString("style"), VrmUrl = avatar.OptString("vrm_url") };
            }
            var input = f.OptObject("input");
            ready.InputSampleRate = input != null ? input.OptInt("sample_rate") ?? 16000 : 16000;
            ready.FrameMsMin = input != null ? input.OptInt("frame_ms_min") ?? 10 : 10;
            ready.FrameMsMax = input != null ? input.OptInt("frame_ms_max") ?? 60 : 60;
            var llm = f.OptObject("llm");
            if (llm != null) { ready.LlmOffline = llm.OptBool("offline", false); ready.LlmModel = llm.OptString("model"); }
            var stt = f.OptObject("stt");
            ready.SttAvailable = stt == null || stt.OptBool("available", true);
            if (stt != null) ready.SttMessage = stt.OptString("message");
            var tts = f.OptObject("tts");
            if (tts != null) { ready.TtsBackend = tts.OptString("backend"); ready.TtsSampleRate = tts.OptInt("sample_rate"); }
            return ready;
        }

        static VisemesEvent Visemes(JsonFields f)
        {
            var visemes = new VisemesEvent { Turn = f.Int("turn"), Seq = f.Int("seq"), SampleRate = f.Int("sample_rate") };
            foreach (object item in f.Array("cues"))
            {
                var cue = item as IDictionary<string, object>;
                if (cue == null) throw new ProtocolFormatException("visemes: a cue is not an object");
                var c = new JsonFields(cue, "visemes.cues");
                visemes.Cues.Add(new VisemeCue { Offset = c.Long("offset"), Viseme = c.String("viseme"), Weight = c.OptDouble("weight") ?? 1.0 });
            }
            return visemes;
        }

        static TurnEndEvent TurnEnd(JsonFields f)
        {
            var end = new TurnEndEvent
            {
                Turn = f.Int("turn"), Id = f.OptLong("id"), UserTurnId = f.OptLong("user_turn_id"),
                Text = f.OptString("text", ""), Emotion = f.OptString("emotion"),
                Interrupted = f.OptBool("interrupted", false), AudioSamples = f.OptLong("audio_samples") ?? 0,
                SampleRate = f.OptInt("sample_rate"),
            };
            var t = f.OptObject("timings");
            if (t != null)
            {
                end.Timings.SttMs = t.OptDouble("stt_ms");
                end.Timings.LlmFirstTokenMs = t.OptDouble("llm_first_token_ms");
                end.Timings.TtsFirstAudioMs = t.OptDouble("tts_first_audio_ms");
                end.Timings.VoiceToVoiceMs = t.OptDouble("voice_to_voice_ms");
                end.Timings.TotalMs = t.OptDouble("total_ms");
            }
            return end;
        }
    }
}
