using System;
using System.IO;
using System.Text;

namespace AvatarTalk.Realtime.Conformance
{
    /// <summary>Reads a PCM16 mono WAV file (what a microphone would give the client).</summary>
    sealed class WavFile
    {
        public int SampleRate;
        public byte[] Pcm;

        public static WavFile Read(string path)
        {
            byte[] data = File.ReadAllBytes(path);
            if (data.Length < 12 || Encoding.ASCII.GetString(data, 0, 4) != "RIFF" || Encoding.ASCII.GetString(data, 8, 4) != "WAVE")
                throw new InvalidDataException(path + " is not a WAV file");
            var wav = new WavFile();
            int pos = 12, channels = 0, bits = 0;
            while (pos + 8 <= data.Length)
            {
                string id = Encoding.ASCII.GetString(data, pos, 4);
                int size = BitConverter.ToInt32(data, pos + 4);
                int body = pos + 8;
                if (id == "fmt ")
                {
                    channels = BitConverter.ToInt16(data, body + 2);
                    wav.SampleRate = BitConverter.ToInt32(data, body + 4);
                    bits = BitConverter.ToInt16(data, body + 14);
                }
                else if (id == "data")
                {
                    size = Math.Min(size, data.Length - body);
                    wav.Pcm = new byte[size - size % 2];
                    Buffer.BlockCopy(data, body, wav.Pcm, 0, wav.Pcm.Length);
                }
                pos = body + size + (size % 2);
            }
            if (channels != 1 || bits != 16 || wav.Pcm == null)
                throw new InvalidDataException(path + ": need PCM16 mono (got " + channels + " channels, " + bits + " bits)");
            return wav;
        }
    }
}
