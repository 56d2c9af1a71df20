using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Mapping;

/// <summary>
/// The part of JMESPath this service evaluates, small enough to be exactly right: field paths (<c>a.b</c>, quoted
/// <c>"iothub-creation-time-utc"</c>), indexes (<c>[0]</c>, <c>[-1]</c>), the current node <c>@</c>, and MedTech's
/// <c>fromUnixTimestamp(path)</c> and <c>fromUnixTimestampMs(path)</c>. Anything else (projections, filters, pipes,
/// other functions, literals) is refused when the mapping loads, never evaluated approximately.
/// </summary>
internal sealed class JmesPathExpression : MappingExpression
{
    private const string Supported =
        "this service evaluates field paths (a.b, \"quoted-name\", [index], @) and fromUnixTimestamp(path) / fromUnixTimestampMs(path) only";

    private readonly Step[] _steps;
    private readonly long _timestampScale;

    private JmesPathExpression(string text, string pointer, Step[] steps, long timestampScale)
        : base(text, pointer)
    {
        _steps = steps;
        _timestampScale = timestampScale;
    }

    public override ExpressionLanguage Language => ExpressionLanguage.JmesPath;

    public static JmesPathExpression? Compile(string text, string pointer, out string? error)
    {
        var parser = new Parser(text);
        if (parser.TryParse(out var steps, out var scale, out var problem))
        {
            error = null;
            return new JmesPathExpression(text, pointer, steps, scale);
        }

        error = $"uses JMESPath this service does not evaluate ({problem}); {Supported}";
        return null;
    }

    /// <summary>Without projections a JMESPath expression has one result: it is the match, unless it is null.</summary>
    public override IEnumerable<JToken> SelectAll(JToken data) => SelectSingle(data) is { } token ? [token] : [];

    public override JToken? SelectSingle(JToken data)
    {
        JToken? current = data;
        foreach (var step in _steps)
        {
            current = step.Name is not null
                ? (current as JObject)?.Property(step.Name, StringComparison.Ordinal)?.Value
                : current is JArray array ? At(array, step.Index) : null;
            if (current is null || current.Type == JTokenType.Null)
            {
                return null;
            }
        }

        return _timestampScale == 0 ? current : FromUnixTime(current!);
    }

    private static JToken? At(JArray array, int index)
    {
        var position = index < 0 ? array.Count + index : index;
        return position >= 0 && position < array.Count ? array[position] : null;
    }

    private JValue FromUnixTime(JToken value)
    {
        if (value.Type is not (JTokenType.Integer or JTokenType.Float))
        {
            throw new MappingExpressionException($"{Name()} expects a number, the message holds {value.Type.ToString().ToLowerInvariant()}.");
        }

        var milliseconds = Math.Round(value.Value<double>() * (1000.0 / _timestampScale));
        if (double.IsNaN(milliseconds) || milliseconds < -62_135_596_800_000 || milliseconds > 253_402_300_799_999)
        {
            throw new MappingExpressionException($"{Name()} got a number outside the representable dates.");
        }

        return new JValue(DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds).ToString("O", CultureInfo.InvariantCulture));
    }

    private string Name() => _timestampScale == 1 ? "fromUnixTimestamp" : "fromUnixTimestampMs";

    /// <summary>One step of a path: a field name, or an index when <see cref="Name"/> is null.</summary>
    private readonly record struct Step(string? Name, int Index);

    private ref struct Parser(string text)
    {
        private int _position;

        public bool TryParse(out Step[] steps, out long timestampScale, out string problem)
        {
            steps = [];
            timestampScale = 0;
            SkipSpaces();
            var start = _position;
            if (TryIdentifier(out var first) && Peek() == '(')
            {
                timestampScale = first switch
                {
                    "fromUnixTimestamp" => 1,
                    "fromUnixTimestampMs" => 1000,
                    _ => 0,
                };
                if (timestampScale == 0)
                {
                    problem = $"the function '{first}' at position {start}";
                    return false;
                }

                _position++;
                if (!TryPath(out steps, out problem))
                {
                    return false;
                }

                SkipSpaces();
                if (Peek() != ')')
                {
                    problem = Unexpected();
                    return false;
                }

                _position++;
            }
            else
            {
                _position = start;
                if (!TryPath(out steps, out problem))
                {
                    return false;
                }
            }

            SkipSpaces();
            if (_position < text.Length)
            {
                problem = Unexpected();
                return false;
            }

            return true;
        }

        private bool TryPath(out Step[] steps, out string problem)
        {
            var list = new List<Step>();
            steps = [];
            SkipSpaces();
            if (Peek() == '@')
            {
                _position++;
            }
            else if (TryName(out var name))
            {
                list.Add(new Step(name, 0));
            }
            else
            {
                problem = Unexpected();
                return false;
            }

            while (true)
            {
                SkipSpaces();
                if (Peek() == '.')
                {
                    _position++;
                    SkipSpaces();
                    if (!TryName(out var name))
                    {
                        problem = Unexpected();
                        return false;
                    }

                    list.Add(new Step(name, 0));
                }
                else if (Peek() == '[')
                {
                    _position++;
                    if (!TryIndex(out var index))
                    {
                        problem = Unexpected();
                        return false;
                    }

                    list.Add(new Step(null, index));
                }
                else
                {
                    steps = [.. list];
                    problem = "";
                    return true;
                }
            }
        }

        private bool TryName(out string name) => Peek() == '"' ? TryQuoted(out name) : TryIdentifier(out name);

        private bool TryIdentifier(out string name)
        {
            var start = _position;
            if (_position < text.Length && (char.IsAsciiLetter(text[_position]) || text[_position] == '_'))
            {
                while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_'))
                {
                    _position++;
                }
            }

            name = text[start.._position];
            return name.Length > 0;
        }

        /// <summary>A quoted identifier is a JSON string.</summary>
        private bool TryQuoted(out string name)
        {
            name = "";
            var start = _position;
            _position++;
            while (_position < text.Length && text[_position] != '"')
            {
                _position += text[_position] == '\\' ? 2 : 1;
            }

            if (_position >= text.Length)
            {
                _position = start;
                return false;
            }

            _position++;
            try
            {
                name = JToken.Parse(text[start.._position]).Value<string>()!;
                return true;
            }
            catch (Newtonsoft.Json.JsonException)
            {
                _position = start;
                return false;
            }
        }

        private bool TryIndex(out int index)
        {
            index = 0;
            var start = _position;
            if (Peek() == '-')
            {
                _position++;
            }

            while (_position < text.Length && char.IsAsciiDigit(text[_position]))
            {
                _position++;
            }

            if (Peek() != ']' || !int.TryParse(text.AsSpan(start, _position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out index))
            {
                _position = start;
                return false;
            }

            _position++;
            return true;
        }

        private readonly char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private readonly string Unexpected() => _position >= text.Length
            ? "it ends too early"
            : new StringBuilder("'").Append(text[_position]).Append("' at position ").Append(_position).ToString();
    }
}
