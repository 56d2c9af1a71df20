using System.Globalization;
using System.Text;

namespace IoMT.Infra.Tests.Arm;

/// <summary>
/// One ARM template language expression, the text between <c>[</c> and <c>]</c> of a template string: string and
/// number literals, function calls, and property (<c>.name</c>) or index (<c>[expr]</c>) access on any of them.
/// </summary>
public abstract record ArmExpression
{
    /// <summary>True when a template string is an expression (<c>[…]</c>); <c>[[</c> escapes a literal bracket.</summary>
    public static bool IsExpression(string text) =>
        text.Length >= 2 && text[0] == '[' && text[^1] == ']' && !text.StartsWith("[[", StringComparison.Ordinal);

    /// <summary>The literal a non-expression template string stands for (<c>[[x]</c> is <c>[x]</c>).</summary>
    public static string Unescape(string text) => text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text;

    /// <summary>Parses the expression of a template string <c>[…]</c>.</summary>
    public static ArmExpression Parse(string text)
    {
        if (!IsExpression(text))
        {
            throw new FormatException($"Not an ARM expression: {text}");
        }

        var parser = new Parser(text[1..^1]);
        var expression = parser.ParseExpression();
        parser.ExpectEnd();
        return expression;
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public ArmExpression ParseExpression()
        {
            var expression = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (TryTake('.'))
                {
                    expression = new ArmMember(expression, ParseIdentifier());
                }
                else if (TryTake('['))
                {
                    var index = ParseExpression();
                    Expect(']');
                    expression = new ArmIndex(expression, index);
                }
                else
                {
                    return expression;
                }
            }
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_position != text.Length)
            {
                throw Error("end of expression");
            }
        }

        private ArmExpression ParsePrimary()
        {
            SkipSpace();
            if (_position >= text.Length)
            {
                throw Error("a value");
            }

            var next = text[_position];
            if (next == '\'')
            {
                return new ArmString(ParseString());
            }

            if (char.IsDigit(next) || next == '-')
            {
                var start = _position++;
                while (_position < text.Length && char.IsDigit(text[_position]))
                {
                    _position++;
                }

                return new ArmNumber(long.Parse(text[start.._position], CultureInfo.InvariantCulture));
            }

            var name = ParseIdentifier();
            SkipSpace();
            Expect('(');
            var arguments = new List<ArmExpression>();
            SkipSpace();
            if (!TryTake(')'))
            {
                do
                {
                    arguments.Add(ParseExpression());
                    SkipSpace();
                }
                while (TryTake(','));

                Expect(')');
            }

            return new ArmCall(name, arguments);
        }

        private string ParseString()
        {
            Expect('\'');
            var value = new StringBuilder();
            while (true)
            {
                if (_position >= text.Length)
                {
                    throw Error("the end of a string");
                }

                var c = text[_position++];
                if (c == '\'')
                {
                    if (_position < text.Length && text[_position] == '\'')
                    {
                        value.Append('\'');
                        _position++;
                        continue;
                    }

                    return value.ToString();
                }

                value.Append(c);
            }
        }

        private string ParseIdentifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '$' or '#'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw Error("a name");
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private bool TryTake(char c)
        {
            SkipSpace();
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Error($"'{c}'");
            }
        }

        private FormatException Error(string expected) => new($"Expected {expected} at {_position} in [{text}]");
    }
}

public sealed record ArmString(string Value) : ArmExpression;

public sealed record ArmNumber(long Value) : ArmExpression;

public sealed record ArmCall(string Name, IReadOnlyList<ArmExpression> Arguments) : ArmExpression;

public sealed record ArmMember(ArmExpression Target, string Name) : ArmExpression;

public sealed record ArmIndex(ArmExpression Target, ArmExpression Index) : ArmExpression;
