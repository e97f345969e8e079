using System.Collections.Generic;

namespace AvatarTalk.Realtime.Tests
{
    /// <summary>Checks every typed field of a parsed event against the fixture's raw JSON.</summary>
    static class FieldChecks
    {
        public static void Verify(Check c, string name, ServerEvent parsed, JsonFields f)
        {
            if (parsed is ReadyEvent) Ready(c, name, (ReadyEvent)parsed, f);
            else if (parsed is VadEvent)
            {
                var e = (VadEvent)parsed;
                c.Equal(f.String("state"), e.State, name + " state");
                c.Equal(f.Long("at_ms"), e.AtMs, name + " at_ms");
            }
            else if (parsed is TranscriptEvent)
            {
                var e = (TranscriptEvent)parsed;
                c.Equal(f.Int("turn"), e.Turn, name + " turn");
                c.Equal(f.String("text"), e.Text, name + " text");
                c.Equal(f.OptBool("final", true), e.Final, name + " final");
            }
            else if (parsed is ReplyDeltaEvent)
            {
                var e = (ReplyDeltaEvent)parsed;
                c.Equal(f.Int("turn"), e.Turn, name + " turn");
                c.Equal(f.String("text"), e.Text, name + " text");
            }
            else if (parsed is ExpressionEvent)
            {
                var e = (ExpressionEvent)parsed;
                c.Equal(f.Int("turn"), e.Turn, name + " turn");
                c.Equal(f.Int("seq"), e.Seq, name + " seq");
                c.Equal(f.Long("offset"), e.Offset, name + " offset");
                c.Equal(f.String("emotion"), e.Emotion, name + " emotion");
                c.Equal(f.Double("intensity"), e.Intensity, name + " intensity");
            }
            else if (parsed is VisemesEvent) Visemes(c, name, (VisemesEvent)parsed, f);
            else if (parsed is TurnEndEvent) TurnEnd(c, name, (TurnEndEvent)parsed, f);
            else if (parsed is InterruptedEvent)
            {
                var e = (InterruptedEvent)parsed;
                c.Equal(f.Int("turn"), e.Turn, name + " turn");
                c.Equal(f.String("reason"), e.Reason, name + " reason");
            }
            else if (parsed is ErrorEvent)
            {
                var e = (ErrorEvent)parsed;
                c.Equal(f.String("code"), e.Code, name + " code");
                c.Equal(f.String("message"), e.Message, name + " message");
                c.Equal(f.OptBool("fatal", false), e.Fatal, name + " fatal");
                c.Equal(f.OptInt("turn"), e.Turn, name + " turn");
            }
            else if (parsed is PongEvent) c.Equal(f.OptScalarText("id"), ((PongEvent)parsed).Id, name + " id");
            else if (parsed is EndedEvent) c.Equal(f.Long("conversation"), ((EndedEvent)parsed).Conversation, name + " conversation");
        }

        static void Ready(Check c, string name, ReadyEvent e, JsonFields f)
        {
            c.Equal(1, e.Protocol, name + " protocol");
            c.Equal(f.Long("conversation"), e.Conversation, name + " conversation");
            c.Equal(f.OptString("session"), e.Session, name + " session");
            var persona = f.Object("persona");
            c.Equal(persona.String("slug"), e.Persona.Slug, name + " persona.slug");
            c.Equal(persona.String("name"), e.Persona.Name, name + " persona.name");
            c.Equal(persona.String("language"), e.Persona.Language, name + " persona.language");
            c.Equal(string.Join(",", persona.OptStrings("emotions")), string.Join(",", e.Persona.Emotions), name + " persona.emotions");
            var avatar = persona.OptObject("avatar");
            if (avatar != null)
            {
                c.Equal(avatar.OptString("style"), e.Persona.Avatar.Style, name + " avatar.style");
                c.Equal(avatar.OptString("vrm_url"), e.Persona.Avatar.VrmUrl, name + " avatar.vrm_url");
            }
            c.Equal(f.Object("input").Int("sample_rate"), e.InputSampleRate, name + " input.sample_rate");
            c.Equal(f.Object("input").Int("frame_ms_max"), e.FrameMsMax, name + " input.frame_ms_max");
            c.Equal("sil,aa,ih,ou,ee,oh,pp,ff,ss", string.Join(",", e.Visemes), name + " viseme set");
            c.Equal(f.Object("llm").Bool("offline"), e.LlmOffline, name + " llm.offline");
            c.Equal(f.Object("stt").Bool("available"), e.SttAvailable, name + " stt.available");
            c.Equal(f.Object("tts").OptInt("sample_rate"), e.TtsSampleRate, name + " tts.sample_rate");
            c.Equal(f.OptBool("resumed", false), e.Resumed, name + " resumed");
        }

        static void Visemes(Check c, string name, VisemesEvent e, JsonFields f)
        {
            c.Equal(f.Int("turn"), e.Turn, name + " turn");
            c.Equal(f.Int("seq"), e.Seq, name + " seq");
            c.Equal(f.Int("sample_rate"), e.SampleRate, name + " sample_rate");
            var cues = f.Array("cues");
            c.Equal(cues.Count, e.Cues.Count, name + " cue count");
            for (int i = 0; i < cues.Count && i < e.Cues.Count; i++)
            {
                var cue = new JsonFields((IDictionary<string, object>)cues[i], name);
                c.Equal(cue.Long("offset"), e.Cues[i].Offset, name + " cue " + i + " offset");
                c.Equal(cue.String("viseme"), e.Cues[i].Viseme, name + " cue " + i + " viseme");
                c.Equal(cue.OptDouble("weight") ?? 1.0, e.Cues[i].Weight, name + " cue " + i + " weight");
            }
        }

        static void TurnEnd(Check c, string name, TurnEndEvent e, JsonFields f)
        {
            c.Equal(f.Int("turn"), e.Turn, name + " turn");
            c.Equal(f.OptLong("id"), e.Id, name + " id");
            c.Equal(f.OptLong("user_turn_id"), e.UserTurnId, name + " user_turn_id");
            c.Equal(f.String("text"), e.Text, name + " text");
            c.Equal(f.OptString("emotion"), e.Emotion, name + " emotion");
            c.Equal(f.Bool("interrupted"), e.Interrupted, name + " interrupted");
            c.Equal(f.Long("audio_samples"), e.AudioSamples, name + " audio_samples");
            c.Equal(f.OptInt("sample_rate"), e.SampleRate, name + " sample_rate");
            var t = f.OptObject("timings");
            if (t == null) return;
            c.Equal(t.OptDouble("stt_ms"), e.Timings.SttMs, name + " timings.stt_ms");
            c.Equal(t.OptDouble("llm_first_token_ms"), e.Timings.LlmFirstTokenMs, name + " timings.llm_first_token_ms");
            c.Equal(t.OptDouble("tts_first_audio_ms"), e.Timings.TtsFirstAudioMs, name + " timings.tts_first_audio_ms");
            c.Equal(t.OptDouble("voice_to_voice_ms"), e.Timings.VoiceToVoiceMs, name + " timings.voice_to_voice_ms");
            c.Equal(t.OptDouble("total_ms"), e.Timings.TotalMs, name + " timings.total_ms");
        }
    }
}
