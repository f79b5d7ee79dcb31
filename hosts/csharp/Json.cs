// A small JSON reader and writer for the example host: the .NET Framework profile that mono
// ships has no JSON library, and the connector speaks JSON. Objects become
// Dictionary<string, object>, arrays List<object>, numbers double, and null null.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GoogleDs
{
    public static class Json
    {
        public static object Parse(string text)
        {
            int at = 0;
            object value = ReadValue(text, ref at);
            SkipSpace(text, ref at);
            if (at != text.Length)
                throw new FormatException("trailing characters after JSON at " + at);
            return value;
        }

        /// A string as a JSON string literal.
        public static string Quote(string value)
        {
            if (value == null)
                return "null";
            var sb = new StringBuilder("\"");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                            sb.AppendFormat("\\u{0:x4}", (int)c);
                        else
                            sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }

        /// An object of string values: {"key": "value", ...}.
        public static string Object(params string[] keysAndValues)
        {
            var parts = new List<string>();
            for (int i = 0; i + 1 < keysAndValues.Length; i += 2)
                parts.Add(Quote(keysAndValues[i]) + ": " + Quote(keysAndValues[i + 1]));
            return "{" + string.Join(", ", parts) + "}";
        }

        /// The member `path` (keys separated by dots) of a parsed object, or null.
        public static object Get(object root, string path)
        {
            object current = root;
            foreach (string key in path.Split('.'))
            {
                var map = current as Dictionary<string, object>;
                if (map == null || !map.TryGetValue(key, out current))
                    return null;
            }
            return current;
        }

        public static string GetString(object root, string path)
        {
            return Get(root, path) as string;
        }

        public static long GetNumber(object root, string path)
        {
            object value = Get(root, path);
            return value is double ? (long)(double)value : 0;
        }

        static void SkipSpace(string s, ref int at)
        {
            while (at < s.Length && char.IsWhiteSpace(s[at]))
                at++;
        }

        static object ReadValue(string s, ref int at)
        {
            SkipSpace(s, ref at);
            if (at >= s.Length)
                throw new FormatException("JSON ends early");
            char c = s[at];
            if (c == '{')
                return ReadObject(s, ref at);
            if (c == '[')
                return ReadArray(s, ref at);
            if (c == '"')
                return ReadString(s, ref at);
            if (Literal(s, ref at, "true"))
                return true;
            if (Literal(s, ref at, "false"))
                return false;
            if (Literal(s, ref at, "null"))
                return null;
            int start = at;
            while (at < s.Length && "+-0123456789.eE".IndexOf(s[at]) >= 0)
                at++;
            if (start == at)
                throw new FormatException("unexpected '" + c + "' in JSON at " + at);
            return double.Parse(s.Substring(start, at - start), CultureInfo.InvariantCulture);
        }

        static bool Literal(string s, ref int at, string word)
        {
            if (string.CompareOrdinal(s, at, word, 0, word.Length) != 0)
                return false;
            at += word.Length;
            return true;
        }

        static Dictionary<string, object> ReadObject(string s, ref int at)
        {
            var map = new Dictionary<string, object>();
            at++;
            SkipSpace(s, ref at);
            if (s[at] == '}')
            {
                at++;
                return map;
            }
            while (true)
            {
                SkipSpace(s, ref at);
                string key = ReadString(s, ref at);
                SkipSpace(s, ref at);
                Expect(s, ref at, ':');
                map[key] = ReadValue(s, ref at);
                SkipSpace(s, ref at);
                if (s[at] == ',')
                {
                    at++;
                    continue;
                }
                Expect(s, ref at, '}');
                return map;
            }
        }

        static List<object> ReadArray(string s, ref int at)
        {
            var list = new List<object>();
            at++;
            SkipSpace(s, ref at);
            if (s[at] == ']')
            {
                at++;
                return list;
            }
            while (true)
            {
                list.Add(ReadValue(s, ref at));
                SkipSpace(s, ref at);
                if (s[at] == ',')
                {
                    at++;
                    continue;
                }
                Expect(s, ref at, ']');
                return list;
            }
        }

        static string ReadString(string s, ref int at)
        {
            Expect(s, ref at, '"');
            var sb = new StringBuilder();
            while (s[at] != '"')
            {
                char c = s[at++];
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                char e = s[at++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u':
                        sb.Append((char)int.Parse(s.Substring(at, 4), NumberStyles.HexNumber));
                        at += 4;
                        break;
                    default: sb.Append(e); break;
                }
            }
            at++;
            return sb.ToString();
        }

        static void Expect(string s, ref int at, char c)
        {
            if (at >= s.Length || s[at] != c)
                throw new FormatException("expected '" + c + "' in JSON at " + at);
            at++;
        }
    }
}
