using System;
using System.Collections.Generic;
using UnityEngine;

namespace AvatarTalk.Realtime.Unity
{
    /// <summary>A renamed blendshape: a preset name → the name on this mesh (for rigs that differ).</summary>
    [Serializable]
    public struct BlendshapeRename
    {
        public string presetName;
        public string meshName;
    }

    /// <summary>Shared part of the lip-sync and expression drivers: names → indices, smoothed weights.</summary>
    public abstract class BlendshapeDriver : MonoBehaviour
    {
        public SkinnedMeshRenderer target;
        public BlendshapePreset preset = BlendshapePreset.Vrm;
        [Tooltip("Map preset names to this mesh's names, e.g. aa → Fcl_MTH_A for VRoid models.")]
        public List<BlendshapeRename> renames = new List<BlendshapeRename>();
        [Range(0f, 0.3f)] public float smoothing = 0.05f;
        [Tooltip("Unity blendshape weights run 0..100.")]
        public float maxWeight = 100f;

        protected readonly BlendshapeSmoother smoother = new BlendshapeSmoother();
        readonly Dictionary<string, int> indices = new Dictionary<string, int>();

        protected void Apply(IEnumerable<BlendshapeTarget> targets, float scale)
        {
            if (target == null || target.sharedMesh == null) return;
            smoother.TimeConstant = smoothing;
            smoother.SetTargets(targets, scale);
            foreach (var pair in smoother.Step(Time.deltaTime))
            {
                int index = IndexOf(pair.Key);
                if (index >= 0) target.SetBlendShapeWeight(index, pair.Value * maxWeight);
            }
        }

        int IndexOf(string presetName)
        {
            int index;
            if (indices.TryGetValue(presetName, out index)) return index;
            string meshName = presetName;
            foreach (var rename in renames) if (rename.presetName == presetName) meshName = rename.meshName;
            index = target.sharedMesh.GetBlendShapeIndex(meshName);
            indices[presetName] = index; // -1 is remembered too: a missing shape is simply skipped
            return index;
        }
    }
}
