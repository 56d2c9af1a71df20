using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Mapping;

/// <summary>The expression languages of a mapping template (MedTech's <c>language</c> / <c>defaultExpressionLanguage</c>).</summary>
public enum ExpressionLanguage
{
    JsonPath,
    JmesPath,
}

/// <summary>An expression evaluated on a device message could not give an answer (e.g. several values where one was expected).</summary>
public sealed class MappingExpressionException(string message) : Exception(message);

/// <summary>
/// A compiled template expression and where it sits in its mapping document (<see cref="Pointer"/>), so every error
/// names the template and the expression.
/// </summary>
public abstract class MappingExpression
{
    private protected MappingExpression(string text, string pointer)
    {
        Text = text;
        Pointer = pointer;
    }

    public string Text { get; }

    /// <summary>Where the expression is in the mapping document (RFC 6901).</summary>
    public string Pointer { get; }

    public abstract ExpressionLanguage Language { get; }

    /// <summary>Every value the expression selects (a type match may select many).</summary>
    public abstract IEnumerable<JToken> SelectAll(JToken data);

    /// <summary>Adds every value the expression selects to <paramref name="into"/> (no list of its own per evaluation).</summary>
    internal virtual void SelectAll(JToken data, List<JToken> into) => into.AddRange(SelectAll(data));

    /// <summary>The one value the expression selects, or null; several values are an error.</summary>
    public abstract JToken? SelectSingle(JToken data);

    /// <summary>Compiles <paramref name="text"/>; returns null and why when it is invalid or not supported.</summary>
    public static MappingExpression? Compile(string text, ExpressionLanguage language, string pointer, out string? error) => language switch
    {
        ExpressionLanguage.JsonPath => JsonPathExpression.Compile(text, pointer, out error),
        _ => JmesPathExpression.Compile(text, pointer, out error),
    };
}

/// <summary>JSONPath as Newtonsoft.Json evaluates it (the implementation iomt-fhir and the MedTech service use).</summary>
internal sealed class JsonPathExpression : MappingExpression
{
    // A filter's regular expression must not be able to stall ingestion on a hostile message.
    private static readonly JsonSelectSettings Settings = new() { RegexMatchTimeout = TimeSpan.FromMilliseconds(50) };

    /// <summary>The path parsed once, when it has one of the shapes evaluated without Newtonsoft.Json's parser; else null.</summary>
    internal CompiledJsonPath? Compiled { get; }

    private JsonPathExpression(string text, string pointer)
        : base(text, pointer)
    {
        Compiled = CompiledJsonPath.TryCompile(text);
    }

    public override ExpressionLanguage Language => ExpressionLanguage.JsonPath;

    public static JsonPathExpression? Compile(string text, string pointer, out string? error)
    {
        try
        {
            // Newtonsoft parses the path before it evaluates anything: a syntax error shows on an empty document.
            _ = new JObject().SelectTokens(text, Settings);
            error = null;
            return new JsonPathExpression(text, pointer);
        }
        catch (JsonException e)
        {
            error = $"is not valid JSONPath ({e.Message.TrimEnd('.')})";
            return null;
        }
    }

    public override IEnumerable<JToken> SelectAll(JToken data)
    {
        var found = new List<JToken>();
        SelectAll(data, found);
        return found;
    }

    internal override void SelectAll(JToken data, List<JToken> into)
    {
        if (Compiled is not null)
        {
            Compiled.SelectAll(data, into);
            return;
        }

        try
        {
            into.AddRange(data.SelectTokens(Text, Settings));
        }
        catch (Exception e) when (e is JsonException or RegexMatchTimeoutException or ArgumentException)
        {
            throw new MappingExpressionException($"{e.Message.TrimEnd('.')}.");
        }
    }

    public override JToken? SelectSingle(JToken data)
    {
        if (Compiled is not null)
        {
            return Compiled.SelectSingle(data);
        }

        try
        {
            return data.SelectToken(Text, Settings);
        }
        catch (Exception e) when (e is JsonException or RegexMatchTimeoutException or ArgumentException)
        {
            throw new MappingExpressionException($"{e.Message.TrimEnd('.')}.");
        }
    }
}
