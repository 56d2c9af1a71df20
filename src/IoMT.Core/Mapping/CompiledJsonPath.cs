using System.Text.Json;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Mapping;

/// <summary>
/// The JSONPath shapes mappings use most, parsed once when the mapping loads and evaluated on the document model with
/// the answers Newtonsoft.Json gives for them: member paths (<c>$.a.b</c>, <c>$.a[0].b</c>) and scans for objects that
/// have members (<c>$..[?(@a.b &amp;&amp; @c)]</c>). Newtonsoft.Json parses a path again on every evaluation; every other
/// shape is still evaluated by it. Member paths and scans also evaluate on System.Text.Json's document, for messages
/// mapped without Newtonsoft.Json's document model.
/// </summary>
internal abstract partial class CompiledJsonPath
{
    private const string Name = "[A-Za-z_][A-Za-z0-9_-]*";

    /// <summary>The compiled form of <paramref name="text"/>, or null when it is not one of the compiled shapes.</summary>
    public static CompiledJsonPath? TryCompile(string text)
    {
        if (MemberPathShape().Match(text) is { Success: true } member)
        {
            return new MemberPath(Steps(member.Groups["steps"].Value));
        }

        if (ScanShape().Match(text) is { Success: true } scan)
        {
            return new ObjectScan([.. scan.Groups["path"].Captures.Select(c => Steps(c.Value))]);
        }

        return null;
    }

    /// <summary>What the path selects from <paramref name="data"/>, in document order.</summary>
    public abstract void SelectAll(JToken data, List<JToken> into);

    /// <summary>The one token the path selects, or null; several are an error (as Newtonsoft.Json's <c>SelectToken</c>).</summary>
    public abstract JToken? SelectSingle(JToken data);

    /// <summary><c>.name</c> and <c>[index]</c> steps, e.g. <c>.a[0].b</c> or <c>a.b</c>.</summary>
    private static Step[] Steps(string text) =>
        [.. StepShape().Matches(text).Select(m => m.Groups["index"].Success ? new Step(null, int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture)) : new Step(m.Groups["name"].Value, 0))];

    /// <summary>A member (<see cref="Name"/>), or else an array element (<see cref="Index"/>).</summary>
    internal readonly record struct Step(string? Name, int Index)
    {
        /// <summary>The name as System.Text.Json compares it, encoded once.</summary>
        public byte[]? Utf8Name { get; } = Name is null ? null : System.Text.Encoding.UTF8.GetBytes(Name);
    }

    /// <summary>Newtonsoft.Json's field and array index filters: a missing member or element selects nothing.</summary>
    private static JToken? Follow(JToken? token, Step[] steps)
    {
        foreach (var step in steps)
        {
            token = step.Name is not null
                ? (token as JObject)?[step.Name]
                : token is JArray or JConstructor && step.Index < ((JContainer)token).Count ? token[step.Index] : null;
            if (token is null)
            {
                return null;
            }
        }

        return token;
    }

    /// <summary><see cref="Follow(JToken?, Step[])"/> on System.Text.Json's document.</summary>
    private static bool Follow(JsonElement token, Step[] steps, out JsonElement found)
    {
        found = token;
        foreach (var step in steps)
        {
            if (step.Name is not null ? found.ValueKind != JsonValueKind.Object || !found.TryGetProperty(step.Utf8Name, out found)
                : found.ValueKind != JsonValueKind.Array || step.Index >= found.GetArrayLength())
            {
                return false;
            }

            if (step.Name is null)
            {
                found = found[step.Index];
            }
        }

        return true;
    }

    [GeneratedRegex($@"^\$(?<steps>(?:\.{Name}|\[[0-9]{{1,9}}\])+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex MemberPathShape();

    [GeneratedRegex($@"^\$\.\.\[\?\( *@\.?(?<path>{Name}(?:\.{Name})*)(?: *&& *@\.?(?<path>{Name}(?:\.{Name})*))* *\)\]\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScanShape();

    [GeneratedRegex($@"\.?(?<name>{Name})|\[(?<index>[0-9]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex StepShape();

    /// <summary><c>$.a.b[0]</c>: at most one token.</summary>
    internal sealed class MemberPath(Step[] steps) : CompiledJsonPath
    {
        public bool TrySelect(JsonElement data, out JsonElement found) => Follow(data, steps, out found);

        public override void SelectAll(JToken data, List<JToken> into)
        {
            if (Follow(data, steps) is { } token)
            {
                into.Add(token);
            }
        }

        public override JToken? SelectSingle(JToken data) => Follow(data, steps);
    }

    /// <summary>
    /// <c>$..[?(@a &amp;&amp; @b.c)]</c>: the data and every token below it, in document order, that has every path
    /// (a member whose value is null counts: the filter tests that it exists).
    /// </summary>
    internal sealed class ObjectScan(Step[][] paths) : CompiledJsonPath
    {
        /// <summary>Whether a path goes through the envelope (<c>Body</c>, <c>Properties</c>, <c>SystemProperties</c>), so the scan may select it.</summary>
        public bool MightSelectEnvelope => paths.Any(path => path[0].Name is "Body" or "Properties" or "SystemProperties");

        /// <summary>The paths of one member: an object of the envelope (its properties) having them all may be selected.</summary>
        public string[] SingleMemberNames { get; } = [.. paths.Where(path => path is [{ Name: not null }]).Select(path => path[0].Name!)];

        /// <summary>The scan on System.Text.Json's document, in document order.</summary>
        public void SelectAll(JsonElement data, List<JsonElement> into)
        {
            if (Matches(data))
            {
                into.Add(data);
            }

            if (data.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in data.EnumerateObject())
                {
                    SelectAll(property.Value, into);
                }
            }
            else if (data.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in data.EnumerateArray())
                {
                    SelectAll(item, into);
                }
            }
        }

        private bool Matches(JsonElement token)
        {
            foreach (var path in paths)
            {
                if (!Follow(token, path, out _))
                {
                    return false;
                }
            }

            return true;
        }

        public override void SelectAll(JToken data, List<JToken> into)
        {
            if (Matches(data))
            {
                into.Add(data);
            }

            if (data is JContainer container)
            {
                for (var child = container.First; child is not null; child = child.Next)
                {
                    SelectAll(child, into);
                }
            }
        }

        public override JToken? SelectSingle(JToken data)
        {
            var found = new List<JToken>(1);
            SelectAll(data, found);
            return found.Count switch
            {
                0 => null,
                1 => found[0],
                _ => throw new MappingExpressionException("Path returned multiple tokens."),
            };
        }

        private bool Matches(JToken token)
        {
            foreach (var path in paths)
            {
                if (Follow(token, path) is null)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
