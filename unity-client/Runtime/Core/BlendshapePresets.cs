using System;
using System.Collections.Generic;

namespace AvatarTalk.Realtime
{
    /// <summary>One blendshape a viseme or emotion drives, at a fraction of its weight.</summary>
    public struct BlendshapeTarget
    {
        public string Name;
        public float Weight;

        public BlendshapeTarget(string name, float weight) { Name = name; Weight = weight; }
    }

    public enum BlendshapePreset { Vrm, Arkit, Oculus }

    /// <summary>
    /// Protocol visemes and emotions mapped to blendshape names of common rigs (see
    /// docs/visemes.md). Engine-free so the tables are compiled and tested with the core.
    /// </summary>
    public static class BlendshapePresets
    {
        static Dictionary<string, BlendshapeTarget[]> Table(params object[] rows)
        {
            var table = new Dictionary<string, BlendshapeTarget[]>(StringComparer.Ordinal);
            for (int i = 0; i < rows.Length; i += 2) table[(string)rows[i]] = (BlendshapeTarget[])rows[i + 1];
            return table;
        }

        static BlendshapeTarget[] T(params object[] pairs)
        {
            var targets = new BlendshapeTarget[pairs.Length / 2];
            for (int i = 0; i < targets.Length; i++) targets[i] = new BlendshapeTarget((string)pairs[2 * i], Convert.ToSingle(pairs[2 * i + 1]));
            return targets;
        }

        // VRM 1.0 expression names; consonants borrow the nearest vowel shape, lightly.
        static readonly Dictionary<string, BlendshapeTarget[]> VrmVisemes = Table(
            "sil", T(), "aa", T("aa", 1), "ih", T("ih", 1), "ou", T("ou", 1), "ee", T("ee", 1), "oh", T("oh", 1),
            "pp", T(), "ff", T("ih", 0.3), "ss", T("ih", 0.5));

        static readonly Dictionary<string, BlendshapeTarget[]> ArkitVisemes = Table(
            "sil", T(),
            "aa", T("jawOpen", 0.6),
            "ih", T("jawOpen", 0.2, "mouthStretchLeft", 0.5, "mouthStretchRight", 0.5),
            "ou", T("jawOpen", 0.2, "mouthFunnel", 0.5, "mouthPucker", 0.6),
            "ee", T("jawOpen", 0.3, "mouthSmileLeft", 0.4, "mouthSmileRight", 0.4),
            "oh", T("jawOpen", 0.4, "mouthFunnel", 0.7),
            "pp", T("mouthClose", 0.8, "mouthPressLeft", 0.4, "mouthPressRight", 0.4),
            "ff", T("mouthRollLower", 0.7, "mouthUpperUpLeft", 0.3, "mouthUpperUpRight", 0.3),
            "ss", T("jawOpen", 0.1, "mouthStretchLeft", 0.4, "mouthStretchRight", 0.4));

        // Oculus/Meta OVRLipSync names (also Ready Player Me avatars).
        static readonly Dictionary<string, BlendshapeTarget[]> OculusVisemes = Table(
            "sil", T("viseme_sil", 1), "aa", T("viseme_aa", 1), "ih", T("viseme_I", 1), "ou", T("viseme_U", 1),
            "ee", T("viseme_E", 1), "oh", T("viseme_O", 1), "pp", T("viseme_PP", 1), "ff", T("viseme_FF", 1),
            "ss", T("viseme_SS", 1));

        static readonly Dictionary<string, BlendshapeTarget[]> VrmEmotions = Table(
            "neutral", T("neutral", 1), "joy", T("happy", 1), "sad", T("sad", 1), "angry", T("angry", 1),
            "surprised", T("surprised", 1), "relaxed", T("relaxed", 1));

        static readonly Dictionary<string, BlendshapeTarget[]> ArkitEmotions = Table(
            "neutral", T(),
            "joy", T("mouthSmileLeft", 0.7, "mouthSmileRight", 0.7, "cheekSquintLeft", 0.4, "cheekSquintRight", 0.4),
            "sad", T("browInnerUp", 0.7, "mouthFrownLeft", 0.6, "mouthFrownRight", 0.6),
            "angry", T("browDownLeft", 0.8, "browDownRight", 0.8, "noseSneerLeft", 0.4, "noseSneerRight", 0.4),
            "surprised", T("browInnerUp", 0.8, "browOuterUpLeft", 0.7, "browOuterUpRight", 0.7, "eyeWideLeft", 0.6, "eyeWideRight", 0.6));

        public static BlendshapeTarget[] ForViseme(BlendshapePreset preset, string viseme)
        {
            return Lookup(preset == BlendshapePreset.Vrm ? VrmVisemes : preset == BlendshapePreset.Arkit ? ArkitVisemes : OculusVisemes, viseme);
        }

        /// <summary>Oculus rigs have no emotion shapes; they share the ARKit table for brows and mouth corners.</summary>
        public static BlendshapeTarget[] ForEmotion(BlendshapePreset preset, string emotion)
        {
            return Lookup(preset == BlendshapePreset.Vrm ? VrmEmotions : ArkitEmotions, emotion);
        }

        /// <summary>Every name a preset may drive (to resolve blendshape indices once).</summary>
        public static IEnumerable<string> AllNames(BlendshapePreset preset)
        {
            var names = new HashSet<string>();
            foreach (string v in new[] { "sil", "aa", "ih", "ou", "ee", "oh", "pp", "ff", "ss" })
                foreach (var t in ForViseme(preset, v)) names.Add(t.Name);
            return names;
        }

        static BlendshapeTarget[] Lookup(Dictionary<string, BlendshapeTarget[]> table, string key)
        {
            BlendshapeTarget[] targets;
            // An unknown viseme or emotion (a newer server) leaves the face at rest.
            return key != null && table.TryGetValue(key, out targets) ? targets : new BlendshapeTarget[0];
        }
    }

    /// <summary>Eases blendshape weights towards their targets so the mouth does not snap between cues.</summary>
    public sealed class BlendshapeSmoother
    {
        readonly Dictionary<string, float> current = new Dictionary<string, float>(StringComparer.Ordinal);
        readonly Dictionary<string, float> target = new Dictionary<string, float>(StringComparer.Ordinal);

        /// <summary>Seconds to cover ~63% of the distance; 0.04–0.06 s suits speech.</summary>
        public float TimeConstant = 0.05f;

        public void SetTargets(IEnumerable<BlendshapeTarget> targets, float scale)
        {
            var keys = new List<string>(target.Keys);
            foreach (string name in keys) target[name] = 0f;
            foreach (var t in targets) target[t.Name] = Math.Max(0f, Math.Min(1f, t.Weight * scale));
        }

        /// <summary>Advances by `deltaSeconds`; returns weights 0..1 by blendshape name.</summary>
        public IDictionary<string, float> Step(float deltaSeconds)
        {
            float k = TimeConstant <= 0 ? 1f : 1f - (float)Math.Exp(-deltaSeconds / TimeConstant);
            foreach (var pair in target)
            {
                float now;
                current.TryGetValue(pair.Key, out now);
                current[pair.Key] = now + (pair.Value - now) * k;
            }
            return current;
        }
    }
}
