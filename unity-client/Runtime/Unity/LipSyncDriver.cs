namespace AvatarTalk.Realtime.Unity
{
    /// <summary>Maps the protocol viseme playing now (sil aa ih ou ee oh pp ff ss) to mouth blendshapes.</summary>
    public sealed class LipSyncDriver : BlendshapeDriver
    {
        public void Show(string viseme, double weight)
        {
            Apply(BlendshapePresets.ForViseme(preset, viseme), (float)weight);
        }
    }
}
