using System;
using System.Collections.Generic;
using System.Globalization;

namespace AvatarTalk.Realtime
{
    /// <summary>A server frame that is not a valid protocol message (reported, then skipped).</summary>
    public sealed class ProtocolFormatException : FormatException
    {
        public ProtocolFormatException(string message) : base(message) { }
    }

    /// <summary>Typed reads from a parsed JSON object; required fields throw ProtocolFormatException.</summary>
    public sealed class JsonFields
    {
        readonly IDictionary<string, object> map;
        readonly string context;

        public JsonFields(IDictionary<string, object> map, string context)
        {
            this.map = map ?? new Dictionary<string, object>();
            this.context = context;
        }

        public IDictionary<string, object> Map { get { return map; } }

        public bool Has(string key) { return map.ContainsKey(key) && map[key] != null; }

        public string String(string key)
        {
            var value = Required(key) as string;
            if (value == null) throw Bad(key, "a string");
            return value;
        }

        public string OptString(string key, string fallback = null)
        {
            return Has(key) ? String(key) : fallback;
        }

        public long Long(string key)
        {
            object value = Required(key);
            if (value is long) return (long)value;
            // 3.0 is a whole number too; JSON does not distinguish.
            if (value is double && Math.Floor((double)value) == (double)value) return (long)(double)value;
            throw Bad(key, "an integer");
        }

        public int Int(string key) { return checked((int)Long(key)); }

        public long? OptLong(string key) { return Has(key) ? Long(key) : (long?)null; }

        public int? OptInt(string key) { return Has(key) ? Int(key) : (int?)null; }

        public double Double(string key)
        {
            object value = Required(key);
            if (value is long) return (long)value;
            if (value is double) return (double)value;
            throw Bad(key, "a number");
        }

        public double? OptDouble(string key) { return Has(key) ? Double(key) : (double?)null; }

        public bool Bool(string key)
        {
            object value = Required(key);
            if (!(value is bool)) throw Bad(key, "a boolean");
            return (bool)value;
        }

        public bool OptBool(string key, bool fallback) { return Has(key) ? Bool(key) : fallback; }

        public JsonFields Object(string key)
        {
            var value = Required(key) as IDictionary<string, object>;
            if (value == null) throw Bad(key, "an object");
            return new JsonFields(value, context + "." + key);
        }

        public JsonFields OptObject(string key) { return Has(key) ? Object(key) : null; }

        public List<object> Array(string key)
        {
            var value = Required(key) as List<object>;
            if (value == null) throw Bad(key, "an array");
            return value;
        }

        public List<string> OptStrings(string key)
        {
            var result = new List<string>();
            if (!Has(key)) return result;
            foreach (object item in Array(key))
            {
                var text = item as string;
                if (text == null) throw Bad(key, "an array of strings");
                result.Add(text);
            }
            return result;
        }

        /// <summary>The value as text, whatever its JSON type (for ids that are strings or integers).</summary>
        public string OptScalarText(string key)
        {
            if (!Has(key)) return null;
            object value = map[key];
            if (value is string) return (string)value;
            if (value is long || value is double) return Convert.ToString(value, CultureInfo.InvariantCulture);
            throw Bad(key, "a string or number");
        }

        object Required(string key)
        {
            object value;
            if (!map.TryGetValue(key, out value) || value == null)
                throw new ProtocolFormatException(context + ": missing field '" + key + "'");
            return value;
        }

        ProtocolFormatException Bad(string key, string expected)
        {
            return new ProtocolFormatException(context + ": field '" + key + "' must be " + expected);
        }
    }
}
