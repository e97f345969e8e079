using UnityEngine;

namespace AvatarTalk.Realtime.Unity
{
    /// <summary>
    /// Plays the PlaybackBuffer through this AudioSource. OnAudioFilterRead runs on Unity's
    /// audio thread, so the samples it pulls are exactly what the device plays: the buffer's
    /// playhead (and so lip sync and `playback` reports) follows the real audio clock.
    /// </summary>
    [RequireComponent(typeof(AudioSource))]
    public sealed class StreamingAudioPlayer : MonoBehaviour
    {
        PlaybackBuffer buffer;
        float[] mono = new float[0];

        public void Attach(PlaybackBuffer playback)
        {
            buffer = playback;
            var source = GetComponent<AudioSource>();
            if (playback == null) { source.Stop(); return; }
            // OnAudioFilterRead only runs while the source plays; a silent looping clip keeps it playing.
            int rate = AudioSettings.outputSampleRate;
            source.clip = AudioClip.Create("avatar-voice", rate, 1, rate, false);
            source.loop = true;
            source.spatialBlend = 0f;
            source.Play();
        }

        void OnAudioFilterRead(float[] data, int channels)
        {
            var playback = buffer;
            if (playback == null) return;
            int frames = data.Length / channels;
            if (mono.Length < frames) mono = new float[frames];
            playback.Read(mono, 0, frames);
            for (int i = 0; i < frames; i++)
                for (int c = 0; c < channels; c++)
                    data[i * channels + c] = mono[i];
        }
    }
}
