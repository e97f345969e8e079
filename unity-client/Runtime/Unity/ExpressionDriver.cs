namespace AvatarTalk.Realtime.Unity
{
    /// <summary>Maps the persona's emotion (neutral, joy, sad, angry, surprised) to face blendshapes.</summary>
    public sealed class ExpressionDriver : BlendshapeDriver
    {
        public void Show(string emotion, double intensity)
        {
            Apply(BlendshapePresets.ForEmotion(preset, emotion), (float)intensity);
        }
    }
}
