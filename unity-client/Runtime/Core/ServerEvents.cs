using System.Collections.Generic;

namespace AvatarTalk.Realtime
{
    /// <summary>Base of every event the client hands to the application.</summary>
    public abstract class ServerEvent
    {
        /// <summary>The wire `type` (or a client-side name such as "audio" or "closed").</summary>
        public string Type;
        /// <summary>The parsed JSON object, for fields this version does not model.</summary>
        public IDictionary<string, object> Raw;
    }

    /// <summary>An event type this client does not know; protocol v1 allows the server to add them.</summary>
    public sealed class UnknownEvent : ServerEvent { }

    public sealed class AvatarInfo
    {
        public string Style;
        public string VrmUrl;
    }

    public sealed class PersonaInfo
    {
        public string Slug;
        public string Name;
        public string Language;
        public List<string> Emotions = new List<string>();
        public AvatarInfo Avatar;
    }

    public sealed class ReadyEvent : ServerEvent
    {
        public int Protocol;
        public long Conversation;
        public string Session;
        public PersonaInfo Persona;
        public int InputSampleRate;
        public int FrameMsMin;
        public int FrameMsMax;
        public List<string> Visemes = new List<string>();
        public bool LlmOffline;
        public string LlmModel;
        public bool SttAvailable;
        public string SttMessage;
        public string TtsBackend;
        public int? TtsSampleRate;
        public bool Resumed;
    }

    public sealed class VadEvent : ServerEvent
    {
        /// <summary>"start" or "end".</summary>
        public string State;
        public long AtMs;
    }

    public sealed class TranscriptEvent : ServerEvent
    {
        public int Turn;
        public string Text;
        public bool Final;
    }

    public sealed class ReplyDeltaEvent : ServerEvent
    {
        public int Turn;
        public string Text;
    }

    public sealed class ExpressionEvent : ServerEvent
    {
        public int Turn;
        public int Seq;
        public long Offset;
        public string Emotion;
        public double Intensity;
    }

    public struct VisemeCue
    {
        public long Offset;
        public string Viseme;
        public double Weight;
    }

    public sealed class VisemesEvent : ServerEvent
    {
        public int Turn;
        public int Seq;
        public int SampleRate;
        public List<VisemeCue> Cues = new List<VisemeCue>();
    }

    public sealed class TurnTimings
    {
        public double? SttMs;
        public double? LlmFirstTokenMs;
        public double? TtsFirstAudioMs;
        public double? VoiceToVoiceMs;
        public double? TotalMs;
    }

    public sealed class TurnEndEvent : ServerEvent
    {
        public int Turn;
        public long? Id;
        public long? UserTurnId;
        public string Text;
        public string Emotion;
        public bool Interrupted;
        public long AudioSamples;
        public int? SampleRate;
        public TurnTimings Timings = new TurnTimings();
    }

    public sealed class InterruptedEvent : ServerEvent
    {
        public int Turn;
        /// <summary>"barge_in" or "client".</summary>
        public string Reason;
    }

    public sealed class ErrorEvent : ServerEvent
    {
        public string Code;
        public string Message;
        public bool Fatal;
        public int? Turn;
    }

    public sealed class PongEvent : ServerEvent
    {
        /// <summary>The echoed ping id as text (ids may be strings or integers), or null.</summary>
        public string Id;
    }

    public sealed class EndedEvent : ServerEvent
    {
        public long Conversation;
    }

    /// <summary>A binary audio frame (decoded header + PCM), surfaced in the same event stream.</summary>
    public sealed class AudioEvent : ServerEvent
    {
        public AudioChunk Chunk;
    }

    /// <summary>Client-side: the socket closed (by the server or the network).</summary>
    public sealed class ClosedEvent : ServerEvent
    {
        /// <summary>The websocket close code, or null when the connection just dropped.</summary>
        public int? CloseCode;
        public string Reason;
    }
}
