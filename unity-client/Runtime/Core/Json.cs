using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AvatarTalk.Realtime
{
    /// <summary>Thrown when a text frame is not valid JSON.</summary>
    public sealed class JsonFormatException : FormatException
    {
        public JsonFormatException(string message) : base(message) { }
    }

    /// <summary>
    /// A small JSON reader and writer. Hand-written so the core has no dependency that
    /// differs between Unity (com.unity.nuget.newtonsoft-json) and plain mono.
    /// Objects become Dictionary&lt;string, object&gt;, arrays List&lt;object&gt;,
    /// integers long, other numbers double.
    /// </summary>
    public static class Json
    {
        public static object Parse(string text)
        {
            if (text == null) throw new JsonFormatException("null text");
            var parser = new JsonParser(text);
            object value = parser.ReadValue();
            parser.ExpectEnd();
            return value;
        }

        public static string Write(object value)
        {
            var builder = new StringBuilder();
            WriteValue(builder, value);
            return builder.ToString();
        }

        static void WriteValue(StringBuilder b, object value)
        {
            if (value == null) { b.Append("null"); return; }
            var text = value as string;
            if (text != null) { WriteString(b, text); return; }
            if (value is bool) { b.Append((bool)value ? "true" : "false"); return; }
            var map = value as IDictionary<string, object>;
            if (map != null) { WriteObject(b, map); return; }
            var list = value as System.Collections.IEnumerable;
            if (list != null) { WriteArray(b, list); return; }
            if (value is double || value is float)
            {
                double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(number) || double.IsInfinity(number))
                    throw new ArgumentException("JSON has no NaN or Infinity");
                b.Append(number.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            b.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        static void WriteObject(StringBuilder b, IDictionary<string, object> map)
        {
            b.Append('{');
            bool first = true;
            foreach (var pair in map)
            {
                if (!first) b.Append(", ");
                first = false;
                WriteString(b, pair.Key);
                b.Append(": ");
                WriteValue(b, pair.Value);
            }
            b.Append('}');
        }

        static void WriteArray(StringBuilder b, System.Collections.IEnumerable list)
        {
            b.Append('[');
            bool first = true;
            foreach (object item in list)
            {
                if (!first) b.Append(", ");
                first = false;
                WriteValue(b, item);
            }
            b.Append(']');
        }

        static void WriteString(StringBuilder b, string text)
        {
            b.Append('"');
            foreach (char c in text)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    default:
                        if (c < 0x20) b.Append("\\u").Append(((int)c).ToString("x4"));
                        else b.Append(c); // UTF-8 on the wire; Hangul stays readable
                        break;
                }
            }
            b.Append('"');
        }

        /// <summary>Structural equality: numbers compare by value, objects ignore key order.</summary>
        public static bool DeepEquals(object a, object b)
        {
            if (a == null || b == null) return a == null && b == null;
            if (IsNumber(a) && IsNumber(b))
                return Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture);
            var mapA = a as IDictionary<string, object>;
            var mapB = b as IDictionary<string, object>;
            if (mapA != null || mapB != null)
            {
                if (mapA == null || mapB == null || mapA.Count != mapB.Count) return false;
                foreach (var pair in mapA)
                {
                    object other;
                    if (!mapB.TryGetValue(pair.Key, out other) || !DeepEquals(pair.Value, other)) return false;
                }
                return true;
            }
            var listA = a as IList<object>;
            var listB = b as IList<object>;
            if (listA != null || listB != null)
            {
                if (listA == null || listB == null || listA.Count != listB.Count) return false;
                for (int i = 0; i < listA.Count; i++)
                    if (!DeepEquals(listA[i], listB[i])) return false;
                return true;
            }
            return a.Equals(b);
        }

        static bool IsNumber(object value)
        {
            return value is long || value is int || value is double || value is float;
        }
    }

    /// <summary>Recursive-descent parser over one JSON text.</summary>
    sealed class JsonParser
    {
        const int MaxDepth = 64;
        readonly string text;
        int pos;
        int depth;

        public JsonParser(string text) { this.text = text; }

        public void ExpectEnd()
        {
            SkipSpace();
            if (pos != text.Length) throw Error("trailing characters");
        }

        public object ReadValue()
        {
            SkipSpace();
            if (pos >= text.Length) throw Error("unexpected end");
            char c = text[pos];
            if (c == '{') return ReadObject();
            if (c == '[') return ReadArray();
            if (c == '"') return ReadString();
            if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
            if (Match("true")) return true;
            if (Match("false")) return false;
            if (Match("null")) return null;
            throw Error("unexpected character '" + c + "'");
        }

        Dictionary<string, object> ReadObject()
        {
            if (++depth > MaxDepth) throw Error("nested too deep");
            var map = new Dictionary<string, object>();
            pos++;
            SkipSpace();
            if (Peek() == '}') { pos++; depth--; return map; }
            while (true)
            {
                SkipSpace();
                if (Peek() != '"') throw Error("expected a key");
                string key = ReadString();
                SkipSpace();
                if (Peek() != ':') throw Error("expected ':'");
                pos++;
                map[key] = ReadValue();
                SkipSpace();
                char c = Peek();
                pos++;
                if (c == '}') break;
                if (c != ',') throw Error("expected ',' or '}'");
            }
            depth--;
            return map;
        }

        List<object> ReadArray()
        {
            if (++depth > MaxDepth) throw Error("nested too deep");
            var list = new List<object>();
            pos++;
            SkipSpace();
            if (Peek() == ']') { pos++; depth--; return list; }
            while (true)
            {
                list.Add(ReadValue());
                SkipSpace();
                char c = Peek();
                pos++;
                if (c == ']') break;
                if (c != ',') throw Error("expected ',' or ']'");
            }
            depth--;
            return list;
        }

        string ReadString()
        {
            pos++;
            var b = new StringBuilder();
            while (true)
            {
                if (pos >= text.Length) throw Error("unterminated string");
                char c = text[pos++];
                if (c == '"') return b.ToString();
                if (c < 0x20) throw Error("control character in string");
                if (c != '\\') { b.Append(c); continue; }
                if (pos >= text.Length) throw Error("unterminated escape");
                char e = text[pos++];
                switch (e)
                {
                    case '"': b.Append('"'); break;
                    case '\\': b.Append('\\'); break;
                    case '/': b.Append('/'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'n': b.Append('\n'); break;
                    case 'r': b.Append('\r'); break;
                    case 't': b.Append('\t'); break;
                    case 'u':
                        if (pos + 4 > text.Length) throw Error("short \\u escape");
                        int code;
                        if (!int.TryParse(text.Substring(pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out code))
                            throw Error("bad \\u escape");
                        b.Append((char)code);
                        pos += 4;
                        break;
                    default: throw Error("bad escape");
                }
            }
        }

        object ReadNumber()
        {
            int start = pos;
            bool integral = true;
            if (Peek() == '-') pos++;
            while (pos < text.Length)
            {
                char c = text[pos];
                if (c >= '0' && c <= '9') { pos++; continue; }
                if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') { integral = false; pos++; continue; }
                break;
            }
            string token = text.Substring(start, pos - start);
            long whole;
            if (integral && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole))
                return whole;
            double number;
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                throw Error("bad number '" + token + "'");
            return number;
        }

        bool Match(string word)
        {
            if (string.CompareOrdinal(text, pos, word, 0, word.Length) != 0) return false;
            pos += word.Length;
            return true;
        }

        char Peek() { return pos < text.Length ? text[pos] : '\0'; }

        void SkipSpace()
        {
            while (pos < text.Length && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) pos++;
        }

        JsonFormatException Error(string what)
        {
            return new JsonFormatException("bad JSON at " + pos + ": " + what);
        }
    }
}
