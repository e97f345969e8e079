using System;

namespace AvatarTalk.Realtime
{
    /// <summary>
    /// One server audio frame: a 20-byte little-endian header (&lt;BBHIIII: version, flags,
    /// reserved, turn, seq, sample_rate, first_sample) followed by PCM16 LE mono.
    /// </summary>
    public sealed class AudioChunk
    {
        public const int HeaderBytes = 20;
        public const int MaxFrameBytes = 1 << 20;
        const byte LastFlag = 1;

        public int Version;
        public int Flags;
        public int Reserved;
        public int Turn;
        public int Seq;
        public int SampleRate;
        public long FirstSample;
        public short[] Samples = new short[0];

        public bool IsLast { get { return (Flags & LastFlag) != 0; } }

        /// <summary>Decodes a binary frame; throws ProtocolFormatException (code bad_audio_header) if invalid.</summary>
        public static AudioChunk Decode(byte[] frame, int length)
        {
            if (frame == null || length < HeaderBytes) throw new ProtocolFormatException("bad_audio_header: frame shorter than 20 bytes");
            if (length > MaxFrameBytes) throw new ProtocolFormatException("bad_audio_header: frame over 1 MiB");
            if ((length - HeaderBytes) % 2 != 0) throw new ProtocolFormatException("bad_audio_header: odd PCM byte count");
            var chunk = new AudioChunk
            {
                Version = frame[0],
                Flags = frame[1],
                Reserved = frame[2] | (frame[3] << 8),
                Turn = (int)ReadUInt32(frame, 4),
                Seq = (int)ReadUInt32(frame, 8),
                SampleRate = (int)ReadUInt32(frame, 12),
                FirstSample = ReadUInt32(frame, 16),
            };
            if (chunk.Version != 1) throw new ProtocolFormatException("bad_audio_header: unsupported version " + chunk.Version);
            if (chunk.SampleRate <= 0) throw new ProtocolFormatException("bad_audio_header: sample rate 0");
            int count = (length - HeaderBytes) / 2;
            chunk.Samples = new short[count];
            Buffer.BlockCopy(frame, HeaderBytes, chunk.Samples, 0, count * 2);
            if (!BitConverter.IsLittleEndian)
                for (int i = 0; i < count; i++) chunk.Samples[i] = (short)((frame[HeaderBytes + 2 * i]) | (frame[HeaderBytes + 2 * i + 1] << 8));
            return chunk;
        }

        public static AudioChunk Decode(byte[] frame) { return Decode(frame, frame == null ? 0 : frame.Length); }

        /// <summary>The 20 header bytes, as the server would write them (used by tests).</summary>
        public byte[] EncodeHeader()
        {
            var header = new byte[HeaderBytes];
            header[0] = (byte)Version;
            header[1] = (byte)Flags;
            header[2] = (byte)(Reserved & 0xff);
            header[3] = (byte)(Reserved >> 8);
            WriteUInt32(header, 4, (uint)Turn);
            WriteUInt32(header, 8, (uint)Seq);
            WriteUInt32(header, 12, (uint)SampleRate);
            WriteUInt32(header, 16, (uint)FirstSample);
            return header;
        }

        static uint ReadUInt32(byte[] data, int at)
        {
            return (uint)(data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24));
        }

        static void WriteUInt32(byte[] data, int at, uint value)
        {
            data[at] = (byte)value;
            data[at + 1] = (byte)(value >> 8);
            data[at + 2] = (byte)(value >> 16);
            data[at + 3] = (byte)(value >> 24);
        }
    }
}
