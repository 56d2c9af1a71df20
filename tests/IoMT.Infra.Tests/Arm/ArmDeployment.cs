using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace IoMT.Infra.Tests.Arm;

/// <summary>One resource the simulated deployment would create, with every expression evaluated.</summary>
/// <param name="Deployment">The nested deployments it sits in, outermost first ("" for the main template).</param>
/// <param name="Name">Its full name (account/default/container).</param>
/// <param name="Id">Its resource id in the simulated subscription.</param>
/// <param name="Body">The evaluated resource (type, name, scope, properties, identity, tags, sku…).</param>
public sealed record ArmResource(string Deployment, string Type, string ApiVersion, string Name, string Id, JsonObject Body, IReadOnlyList<string> DependsOn)
{
    public JsonNode? Properties => Body["properties"];

    public JsonNode? At(string path) => ArmValue.At(Body, path);

    public string? StringAt(string path) => ArmValue.StringAt(Body, path);

    public override string ToString() => $"{Type} {Name} ({(Deployment.Length == 0 ? "main" : Deployment)})";
}

/// <summary>What Azure Resource Manager would know about a deployment before it runs: fixed subscription and tenant ids.</summary>
public sealed record ArmEnvironment(string SubscriptionId, string TenantId, string Location)
{
    public static ArmEnvironment Default { get; } = new("00000000-0000-0000-0000-00000000abcd", "00000000-0000-0000-0000-0000000000aa", "westeurope");
}

/// <summary>
/// Evaluates a compiled ARM template (what <c>bicep build</c> emits) as Resource Manager would before deploying it:
/// parameters, variables, conditions, copy loops and nested deployments with their parameters and outputs. Values only
/// Azure knows at run time stay symbolic (<see cref="ArmValue"/>). An expression it cannot evaluate throws, naming it.
/// </summary>
public sealed class ArmDeployment
{
    private static readonly ConcurrentDictionary<string, ArmExpression> Parsed = new(StringComparer.Ordinal);

    private readonly List<ArmResource> _resources = [];
    private readonly List<string> _deployments = [];
    private readonly Dictionary<string, JsonObject> _parameters = new(StringComparer.OrdinalIgnoreCase);

    private ArmDeployment(ArmEnvironment environment)
    {
        Environment = environment;
    }

    public ArmEnvironment Environment { get; }

    /// <summary>Every resource deployed, nested deployments' included (the deployments themselves are not listed).</summary>
    public IReadOnlyList<ArmResource> Resources => _resources;

    /// <summary>The nested deployments that run, by path (roles, function…).</summary>
    public IReadOnlyList<string> Deployments => _deployments;

    /// <summary>The parameter values of a deployment that ran ("" for the main template), evaluated.</summary>
    public JsonObject ParametersOf(string deployment) => (JsonObject)_parameters[deployment].DeepClone();

    /// <summary>The main template's outputs, evaluated.</summary>
    public JsonObject Outputs { get; private set; } = [];

    public IEnumerable<ArmResource> OfType(string type) => _resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type; fails naming the type when there are none or several.</summary>
    public ArmResource Single(string type)
    {
        var matches = OfType(type).ToList();
        return matches.Count == 1 ? matches[0] : throw new InvalidOperationException($"{matches.Count} resources of type {type}: {string.Join(", ", matches)}");
    }

    /// <summary>The resource with this id, or null.</summary>
    public ArmResource? ById(string id) => _resources.SingleOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Deploys a subscription- or resource-group-scoped template with these parameter values.</summary>
    public static ArmDeployment Run(JsonObject template, IReadOnlyDictionary<string, JsonNode?> parameters, ArmEnvironment? environment = null)
    {
        var deployment = new ArmDeployment(environment ?? ArmEnvironment.Default);
        var subscriptionScoped = (template["$schema"]?.GetValue<string>() ?? "").Contains("subscriptionDeploymentTemplate", StringComparison.OrdinalIgnoreCase);
        var scope = new TemplateScope(deployment, template, "", subscriptionScoped ? null : "rg-simulated", null);
        scope.BindParameters(parameters.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.OrdinalIgnoreCase));
        scope.Deploy();
        deployment.Outputs = scope.Outputs();
        return deployment;
    }

    private static ArmExpression Parse(string text) => Parsed.GetOrAdd(text, ArmExpression.Parse);

    /// <summary>One template being deployed: its parameters, variables and nested deployments.</summary>
    private sealed class TemplateScope(ArmDeployment run, JsonObject template, string path, string? resourceGroup, TemplateScope? parent)
    {
        private readonly Dictionary<string, JsonNode?> _parameters = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, JsonNode?> _variables = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _evaluating = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, TemplateScope?> _children = new(StringComparer.OrdinalIgnoreCase);
        private JsonObject? _outputs;

        public ArmDeployment Run => run;

        public string? ResourceGroup => resourceGroup;

        public string Path => path;

        public TemplateScope? Parent => parent;

        public void BindParameters(Dictionary<string, JsonNode?> given)
        {
            var declared = template["parameters"] as JsonObject ?? [];
            var unknown = given.Keys.Where(k => !declared.ContainsKey(k)).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException($"Deployment '{Describe()}' is given parameters it does not declare: {string.Join(", ", unknown)}");
            }

            var context = new Context(this, null, ImmutableDictionary<string, JsonNode?>.Empty);
            foreach (var (name, declaration) in declared)
            {
                if (given.TryGetValue(name, out var value))
                {
                    _parameters[name] = value;
                }
                else if (declaration is JsonObject d && d.TryGetPropertyValue("defaultValue", out var defaultValue))
                {
                    _parameters[name] = Evaluate(defaultValue, context);
                }
                else
                {
                    throw new InvalidOperationException($"Deployment '{Describe()}' misses its required parameter '{name}'.");
                }
            }

            run._parameters[path] = new JsonObject(_parameters.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        }

        public JsonNode? Parameter(string name) =>
            _parameters.TryGetValue(name, out var value) ? value?.DeepClone() : throw new InvalidOperationException($"'{Describe()}' has no parameter '{name}'.");

        public JsonNode? Variable(string name)
        {
            if (_variables.TryGetValue(name, out var cached))
            {
                return cached?.DeepClone();
            }

            if (template["variables"] is not JsonObject variables || !variables.TryGetPropertyValue(name, out var definition))
            {
                throw new InvalidOperationException($"'{Describe()}' has no variable '{name}'.");
            }

            if (!_evaluating.Add(name))
            {
                throw new InvalidOperationException($"Variable '{name}' of '{Describe()}' refers to itself.");
            }

            var value = Evaluate(definition, new Context(this, null, ImmutableDictionary<string, JsonNode?>.Empty));
            _evaluating.Remove(name);
            _variables[name] = value;
            return value?.DeepClone();
        }

        public JsonObject Outputs()
        {
            if (_outputs is null)
            {
                var outputs = new JsonObject();
                var context = new Context(this, null, ImmutableDictionary<string, JsonNode?>.Empty);
                foreach (var (name, output) in template["outputs"] as JsonObject ?? [])
                {
                    var value = output is JsonObject o && o.TryGetPropertyValue("value", out var v) ? Evaluate(v, context) : null;
                    outputs[name] = new JsonObject { ["type"] = output?["type"]?.DeepClone(), ["value"] = value };
                }

                _outputs = outputs;
            }

            return (JsonObject)_outputs.DeepClone();
        }

        /// <summary>The nested deployment of this name (its parameters bound), or null when its condition is false.</summary>
        public TemplateScope? Child(string name)
        {
            if (_children.TryGetValue(name, out var child))
            {
                return child;
            }

            foreach (var resource in Resources())
            {
                if (!IsDeployment(resource) || resource.ContainsKey("copy"))
                {
                    continue;
                }

                var context = new Context(this, null, ImmutableDictionary<string, JsonNode?>.Empty);
                if (Text(Evaluate(resource["name"], context)) != name)
                {
                    continue;
                }

                child = Condition(resource, context) ? CreateChild(resource, name, context) : null;
                _children[name] = child;
                return child;
            }

            throw new InvalidOperationException($"'{Describe()}' has no nested deployment '{name}'.");
        }

        public void Deploy()
        {
            foreach (var resource in Resources())
            {
                var count = 1;
                int? loop = null;
                if (resource["copy"] is JsonObject copy)
                {
                    count = (int)Number(Evaluate(copy["count"], new Context(this, null, ImmutableDictionary<string, JsonNode?>.Empty)));
                    loop = 0;
                }

                for (var i = 0; i < count; i++)
                {
                    var context = new Context(this, loop is null ? null : i, ImmutableDictionary<string, JsonNode?>.Empty);
                    if (!Condition(resource, context))
                    {
                        continue;
                    }

                    if (IsDeployment(resource))
                    {
                        if (loop is not null)
                        {
                            throw new NotSupportedException($"Nested deployments in a loop ('{Describe()}').");
                        }

                        var name = Text(Evaluate(resource["name"], context));
                        var child = Child(name)!;
                        run._deployments.Add(child.Path);
                        child.Deploy();
                        continue;
                    }

                    run._resources.Add(Resource(resource, context));
                }
            }
        }

        public string Describe() => path.Length == 0 ? "main" : path;

        /// <summary>The id of a resource of this template's scope: /subscriptions/s[/resourceGroups/g]/providers/type/name.</summary>
        public string ResourceId(string? subscriptionId, string? group, string type, IReadOnlyList<string> names)
        {
            var subscription = subscriptionId ?? run.Environment.SubscriptionId;
            if (string.Equals(type, "Microsoft.Resources/resourceGroups", StringComparison.OrdinalIgnoreCase) && names.Count == 1)
            {
                return $"/subscriptions/{subscription}/resourceGroups/{names[0]}";
            }

            return $"{Prefix(subscription, group)}/providers/{Interleave(type, names)}";
        }

        private string Prefix(string? subscriptionId, string? group)
        {
            var subscription = subscriptionId ?? run.Environment.SubscriptionId;
            return group is null ? $"/subscriptions/{subscription}" : $"/subscriptions/{subscription}/resourceGroups/{group}";
        }

        private static bool IsDeployment(JsonObject resource) =>
            string.Equals(resource["type"]?.GetValue<string>(), "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase);

        private static bool Condition(JsonObject resource, Context context) =>
            !resource.TryGetPropertyValue("condition", out var condition) || Flag(Evaluate(condition, context), "condition");

        private IEnumerable<JsonObject> Resources() => template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };

        private TemplateScope CreateChild(JsonObject resource, string name, Context context)
        {
            var group = resource.TryGetPropertyValue("resourceGroup", out var g) ? Text(Evaluate(g, context)) : resourceGroup;
            var properties = resource["properties"] as JsonObject ?? throw new InvalidOperationException($"Deployment '{name}' has no properties.");
            if (properties["expressionEvaluationOptions"]?["scope"]?.GetValue<string>() is not { } evaluation
                || !string.Equals(evaluation, "inner", StringComparison.OrdinalIgnoreCase))
            {
                throw new NotSupportedException($"Deployment '{name}' evaluates its expressions in the outer scope.");
            }

            var child = new TemplateScope(run, (JsonObject)properties["template"]!, path.Length == 0 ? name : $"{path}/{name}", group, this);
            var given = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (parameter, entry) in properties["parameters"] as JsonObject ?? [])
            {
                var wrapped = entry is JsonValue ? Evaluate(entry, context) : entry;
                if (wrapped is not JsonObject o || !o.TryGetPropertyValue("value", out var value))
                {
                    throw new NotSupportedException($"Deployment '{name}' passes '{parameter}' other than as a value.");
                }

                given[parameter] = entry is JsonValue ? value?.DeepClone() : Evaluate(value, context);
            }

            child.BindParameters(given);
            return child;
        }

        private ArmResource Resource(JsonObject resource, Context context)
        {
            var body = new JsonObject();
            foreach (var (key, value) in resource)
            {
                if (key is not ("copy" or "condition"))
                {
                    body[key] = Evaluate(value, context);
                }
            }

            var type = Text(body["type"]);
            var name = Text(body["name"]);
            var names = ArmValue.SplitName(name);
            string id;
            if (body["scope"] is { } scope)
            {
                // A scope is a full id, or relative to the resource group: Namespace/type1/name1[/type2/name2…].
                var scopeText = Text(scope);
                var scopeId = scopeText.StartsWith('/') ? scopeText : $"{Prefix(null, resourceGroup)}/providers/{scopeText}";
                id = $"{scopeId}/providers/{Interleave(type, names)}";
            }
            else
            {
                id = ResourceId(null, resourceGroup, type, names);
            }

            var dependsOn = (body["dependsOn"] as JsonArray ?? []).Select(Text).ToList();
            return new ArmResource(path, type, Text(body["apiVersion"]), name, id, body, dependsOn);
        }

        private static string Interleave(string type, IReadOnlyList<string> names)
        {
            var segments = type.Split('/');
            if (segments.Length - 1 != names.Count)
            {
                throw new InvalidOperationException($"Type {type} needs {segments.Length - 1} name segments, got {names.Count}: {string.Join('/', names)}");
            }

            var builder = new StringBuilder(segments[0]);
            for (var i = 1; i < segments.Length; i++)
            {
                builder.Append('/').Append(segments[i]).Append('/').Append(names[i - 1]);
            }

            return builder.ToString();
        }
    }

    /// <summary>Where an expression is evaluated: its template, the copy index and the lambda variables in force.</summary>
    private sealed record Context(TemplateScope Scope, int? CopyIndex, ImmutableDictionary<string, JsonNode?> Lambda);

    private static JsonNode? Evaluate(JsonNode? node, Context context) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => ArmExpression.IsExpression(text)
            ? Evaluate(Parse(text), context)
            : JsonValue.Create(ArmExpression.Unescape(text)),
        JsonObject o => EvaluateObject(o, context),
        JsonArray a => new JsonArray(a.Select(item => Evaluate(item, context)).ToArray()),
        _ => node.DeepClone(),
    };

    private static JsonObject EvaluateObject(JsonObject source, Context context)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            if (key == "copy" && value is JsonArray)
            {
                throw new NotSupportedException("Property copy loops are not simulated.");
            }

            result[ArmExpression.IsExpression(key) ? Text(Evaluate(Parse(key), context)) : ArmExpression.Unescape(key)] = Evaluate(value, context);
        }

        return result;
    }

    private static JsonNode? Evaluate(ArmExpression expression, Context context) => expression switch
    {
        ArmString s => JsonValue.Create(s.Value),
        ArmNumber n => JsonValue.Create(n.Value),
        ArmMember m => Member(Evaluate(m.Target, context), m.Name),
        ArmIndex i => Index(Evaluate(i.Target, context), Evaluate(i.Index, context)),
        ArmCall call => Call(call, context),
        _ => throw new NotSupportedException(expression.ToString()),
    };

    private static JsonNode? Member(JsonNode? target, string name)
    {
        if (target is JsonValue v && v.TryGetValue<string>(out var text) && ArmValue.SymbolicText(text) is { } symbolic)
        {
            return JsonValue.Create(ArmValue.Unknown($"{symbolic}.{name}"));
        }

        if (target is JsonObject o)
        {
            var match = o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
            return match.Key is not null ? match.Value?.DeepClone() : throw new InvalidOperationException($"No property '{name}' in {o.ToJsonString()}");
        }

        throw new InvalidOperationException($"Cannot read '{name}' of {target?.ToJsonString() ?? "null"}");
    }

    private static JsonNode? Index(JsonNode? target, JsonNode? index)
    {
        if (target is JsonValue v && v.TryGetValue<string>(out var text) && ArmValue.SymbolicText(text) is { } symbolic)
        {
            return JsonValue.Create(ArmValue.Unknown($"{symbolic}[{ArmValue.Render(index)}]"));
        }

        return target switch
        {
            JsonArray a => a[(int)Number(index)]?.DeepClone(),
            JsonObject => Member(target, Text(index)),
            _ => throw new InvalidOperationException($"Cannot index {target?.ToJsonString() ?? "null"}"),
        };
    }

    private static JsonNode? Call(ArmCall call, Context context)
    {
        var name = call.Name.ToLowerInvariant();
        switch (name)
        {
            case "if":
                {
                    var condition = Evaluate(call.Arguments[0], context);
                    return IsSymbolic(condition)
                        ? Symbolic(call.Name, [condition, .. call.Arguments.Skip(1).Select(a => Evaluate(a, context))])
                        : Evaluate(call.Arguments[Flag(condition, "if") ? 1 : 2], context);
                }

            case "filter":
            case "map":
                {
                    var items = Evaluate(call.Arguments[0], context) as JsonArray ?? throw new InvalidOperationException($"{call.Name} needs an array.");
                    if (call.Arguments[1] is not ArmCall { Name: var lambdaName } lambda || !string.Equals(lambdaName, "lambda", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new NotSupportedException($"{call.Name} without a lambda.");
                    }

                    var variable = ((ArmString)lambda.Arguments[0]).Value;
                    var results = new JsonArray();
                    foreach (var item in items)
                    {
                        var value = Evaluate(lambda.Arguments[^1], context with { Lambda = context.Lambda.SetItem(variable, item?.DeepClone()) });
                        if (name == "map")
                        {
                            results.Add(value);
                        }
                        else if (Flag(value, "filter"))
                        {
                            results.Add(item?.DeepClone());
                        }
                    }

                    return results;
                }

            default:
                break;
        }

        var arguments = call.Arguments.Select(a => Evaluate(a, context)).ToList();
        if (name == "empty" && arguments[0] is JsonValue runTime && runTime.TryGetValue<string>(out var text) && IsSymbolic(runTime))
        {
            // A run-time value (an id, an endpoint) is taken to be non-empty.
            return JsonValue.Create(text.Length == 0);
        }

        var scope = context.Scope;
        var environment = scope.Run.Environment;
        return name switch
        {
            "parameters" => scope.Parameter(Text(arguments[0])),
            "variables" => scope.Variable(Text(arguments[0])),
            "lambdavariables" => context.Lambda.TryGetValue(Text(arguments[0]), out var lambdaValue) ? lambdaValue?.DeepClone() : throw new InvalidOperationException($"No lambda variable {Text(arguments[0])}"),
            "copyindex" => CopyIndex(arguments, context),
            "createobject" => CreateObject(arguments),
            "createarray" => new JsonArray(arguments.Select(a => a?.DeepClone()).ToArray()),
            "union" => arguments.Aggregate(Union),
            "format" => JsonValue.Create(Format(Text(arguments[0]), arguments.Skip(1).ToList())),
            "concat" => arguments.All(a => a is JsonArray)
                ? new JsonArray(arguments.SelectMany(a => (JsonArray)a!).Select(i => i?.DeepClone()).ToArray())
                : JsonValue.Create(string.Concat(arguments.Select(ArmValue.Text))),
            "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "json" => JsonNode.Parse(Text(arguments[0])),
            "subscription" => new JsonObject
            {
                ["id"] = $"/subscriptions/{environment.SubscriptionId}",
                ["subscriptionId"] = environment.SubscriptionId,
                ["tenantId"] = environment.TenantId,
                ["displayName"] = "simulated",
            },
            "tenant" => new JsonObject { ["tenantId"] = environment.TenantId, ["countryCode"] = "US", ["displayName"] = "simulated" },
            "resourcegroup" => scope.ResourceGroup is { } group
                ? new JsonObject { ["id"] = $"/subscriptions/{environment.SubscriptionId}/resourceGroups/{group}", ["name"] = group, ["location"] = environment.Location }
                : throw new InvalidOperationException("resourceGroup() in a subscription-scoped template."),
            "deployment" => new JsonObject { ["name"] = scope.Path.Length == 0 ? "main" : scope.Path.Split('/')[^1] },
            "environment" => AzureCloud(),
            "resourceid" => JsonValue.Create(ResourceIdCall(scope, arguments)),
            "subscriptionresourceid" => JsonValue.Create(SubscriptionResourceIdCall(environment, arguments)),
            "extensionresourceid" => JsonValue.Create($"{Text(arguments[0])}/providers/{InterleaveArguments(arguments.Skip(1).ToList())}"),
            "tenantresourceid" => JsonValue.Create($"/providers/{InterleaveArguments(arguments)}"),
            "reference" => Reference(scope, arguments),
            "guid" => JsonValue.Create(ArmValue.Guid([.. arguments])),
            "uniquestring" => arguments.All(ArmValue.IsKnown) ? JsonValue.Create(FakeUniqueString(arguments.Select(Text))) : Symbolic(call.Name, arguments),
            _ when name.StartsWith("list", StringComparison.Ordinal) => JsonValue.Create(ArmValue.Unknown($"{call.Name}({Text(arguments[0])})")),
            // Comparisons need the whole value; other functions only their strings (length of an array of ids is known).
            "equals" or "contains" when !arguments.All(ArmValue.IsKnown) => Symbolic(call.Name, arguments),
            _ when arguments.Any(IsSymbolic) => Symbolic(call.Name, arguments),
            _ => Pure(name, arguments),
        };
    }

    /// <summary>Functions whose result follows from their (known) arguments alone.</summary>
    private static JsonNode? Pure(string name, List<JsonNode?> arguments) => name switch
    {
        "equals" => JsonValue.Create(JsonNode.DeepEquals(arguments[0], arguments[1])),
        "not" => JsonValue.Create(!Flag(arguments[0], "not")),
        "and" => JsonValue.Create(arguments.All(a => Flag(a, "and"))),
        "or" => JsonValue.Create(arguments.Any(a => Flag(a, "or"))),
        "empty" => JsonValue.Create(arguments[0] switch
        {
            null => true,
            JsonArray a => a.Count == 0,
            JsonObject o => o.Count == 0,
            var v => Text(v).Length == 0,
        }),
        "length" => JsonValue.Create((long)(arguments[0] switch
        {
            JsonArray a => a.Count,
            JsonObject o => o.Count,
            var v => Text(v).Length,
        })),
        "greater" => JsonValue.Create(Number(arguments[0]) > Number(arguments[1])),
        "greaterorequals" => JsonValue.Create(Number(arguments[0]) >= Number(arguments[1])),
        "less" => JsonValue.Create(Number(arguments[0]) < Number(arguments[1])),
        "lessorequals" => JsonValue.Create(Number(arguments[0]) <= Number(arguments[1])),
        "max" => JsonValue.Create(arguments.Max(Number)),
        "min" => JsonValue.Create(arguments.Min(Number)),
        "tolower" => JsonValue.Create(Text(arguments[0]).ToLowerInvariant()),
        "toupper" => JsonValue.Create(Text(arguments[0]).ToUpperInvariant()),
        "replace" => JsonValue.Create(Text(arguments[0]).Replace(Text(arguments[1]), Text(arguments[2]), StringComparison.Ordinal)),
        "string" => JsonValue.Create(ArmValue.Text(arguments[0])),
        "int" => JsonValue.Create(Number(arguments[0])),
        "contains" => JsonValue.Create(arguments[0] switch
        {
            JsonArray a => a.Any(i => JsonNode.DeepEquals(i, arguments[1])),
            JsonObject o => o.ContainsKey(Text(arguments[1])),
            var v => Text(v).Contains(Text(arguments[1]), StringComparison.OrdinalIgnoreCase),
        }),
        "startswith" => JsonValue.Create(Text(arguments[0]).StartsWith(Text(arguments[1]), StringComparison.OrdinalIgnoreCase)),
        "endswith" => JsonValue.Create(Text(arguments[0]).EndsWith(Text(arguments[1]), StringComparison.OrdinalIgnoreCase)),
        "coalesce" => arguments.FirstOrDefault(a => a is not null)?.DeepClone(),
        "cidrsubnet" => JsonValue.Create(CidrSubnet(Text(arguments[0]), (int)Number(arguments[1]), (int)Number(arguments[2]))),
        _ => throw new NotSupportedException($"The ARM simulation does not know function {name}(): add it to {nameof(ArmDeployment)}."),
    };

    private static JsonNode? Reference(TemplateScope scope, List<JsonNode?> arguments)
    {
        var id = Text(arguments[0]);
        const string Deployments = "/providers/Microsoft.Resources/deployments/";
        var at = id.LastIndexOf(Deployments, StringComparison.OrdinalIgnoreCase);
        if (at >= 0 && ArmValue.IsKnown(arguments[0]))
        {
            var name = id[(at + Deployments.Length)..];
            var child = scope.Child(name) ?? throw new InvalidOperationException($"'{scope.Describe()}' reads outputs of deployment '{name}', which does not run.");
            return new JsonObject { ["outputs"] = child.Outputs() };
        }

        return JsonValue.Create(ArmValue.Unknown($"reference({id})"));
    }

    private static string ResourceIdCall(TemplateScope scope, List<JsonNode?> arguments)
    {
        var texts = arguments.Select(Text).ToList();
        var typeAt = texts.FindIndex(t => t.Contains('/', StringComparison.Ordinal) && !t.StartsWith(ArmValue.Open));
        var (subscription, group) = typeAt switch
        {
            0 => ((string?)null, scope.ResourceGroup),
            1 => (null, texts[0]),
            2 => (texts[0], texts[1]),
            _ => throw new InvalidOperationException($"resourceId({string.Join(", ", texts)})"),
        };
        return scope.ResourceId(subscription, group, texts[typeAt], texts.Skip(typeAt + 1).ToList());
    }

    private static string SubscriptionResourceIdCall(ArmEnvironment environment, List<JsonNode?> arguments)
    {
        var texts = arguments.Select(Text).ToList();
        var subscription = texts[0].Contains('/', StringComparison.Ordinal) ? environment.SubscriptionId : texts[0];
        var rest = texts[0].Contains('/', StringComparison.Ordinal) ? texts : texts.Skip(1).ToList();
        return string.Equals(rest[0], "Microsoft.Resources/resourceGroups", StringComparison.OrdinalIgnoreCase)
            ? $"/subscriptions/{subscription}/resourceGroups/{rest[1]}"
            : $"/subscriptions/{subscription}/providers/{InterleaveArguments(rest.Select(t => (JsonNode?)JsonValue.Create(t)).ToList())}";
    }

    private static string InterleaveArguments(List<JsonNode?> typeAndNames)
    {
        var segments = Text(typeAndNames[0]).Split('/');
        if (segments.Length != typeAndNames.Count)
        {
            throw new InvalidOperationException($"Type {Text(typeAndNames[0])} needs {segments.Length - 1} names, got {typeAndNames.Count - 1}.");
        }

        var builder = new StringBuilder(segments[0]);
        for (var i = 1; i < segments.Length; i++)
        {
            builder.Append('/').Append(segments[i]).Append('/').Append(Text(typeAndNames[i]));
        }

        return builder.ToString();
    }

    private static JsonValue CopyIndex(List<JsonNode?> arguments, Context context)
    {
        var index = context.CopyIndex ?? throw new InvalidOperationException("copyIndex() outside a copy loop.");
        var offset = arguments.LastOrDefault() is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
        return JsonValue.Create(index + offset);
    }

    private static JsonObject CreateObject(List<JsonNode?> arguments)
    {
        var result = new JsonObject();
        for (var i = 0; i + 1 < arguments.Count; i += 2)
        {
            result[Text(arguments[i])] = arguments[i + 1]?.DeepClone();
        }

        return result;
    }

    /// <summary>ARM's union: objects merge (recursively, later wins), arrays keep each distinct item once.</summary>
    private static JsonNode? Union(JsonNode? left, JsonNode? right)
    {
        switch (left, right)
        {
            case (JsonObject l, JsonObject r):
                {
                    var result = (JsonObject)l.DeepClone();
                    foreach (var (key, value) in r)
                    {
                        result[key] = result[key] is JsonObject && value is JsonObject ? Union(result[key], value) : value?.DeepClone();
                    }

                    return result;
                }

            case (JsonArray l, JsonArray r):
                {
                    var result = new JsonArray();
                    foreach (var item in l.Concat(r).Where(item => !result.Any(existing => JsonNode.DeepEquals(existing, item))))
                    {
                        result.Add(item?.DeepClone());
                    }

                    return result;
                }

            default:
                throw new InvalidOperationException($"union() of {left?.ToJsonString()} and {right?.ToJsonString()}");
        }
    }

    private static string Format(string format, List<JsonNode?> arguments)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '{' && i + 1 < format.Length && format[i + 1] == '{')
            {
                builder.Append('{');
                i++;
            }
            else if (format[i] == '}' && i + 1 < format.Length && format[i + 1] == '}')
            {
                builder.Append('}');
                i++;
            }
            else if (format[i] == '{')
            {
                var end = format.IndexOf('}', i);
                var index = int.Parse(format[(i + 1)..end].Split(':')[0], CultureInfo.InvariantCulture);
                builder.Append(ArmValue.Text(arguments[index]));
                i = end;
            }
            else
            {
                builder.Append(format[i]);
            }
        }

        return builder.ToString();
    }

    private static JsonObject AzureCloud() => new()
    {
        ["name"] = "AzureCloud",
        ["resourceManager"] = "https://management.azure.com/",
        ["authentication"] = new JsonObject
        {
            ["loginEndpoint"] = "https://login.microsoftonline.com/",
            ["audiences"] = new JsonArray("https://management.core.windows.net/", "https://management.azure.com/"),
            ["tenant"] = "common",
            ["identityProvider"] = "AAD",
        },
        ["suffixes"] = new JsonObject
        {
            ["storage"] = "core.windows.net",
            ["keyvaultDns"] = ".vault.azure.net",
            ["sqlServerHostname"] = ".database.windows.net",
            ["acrLoginServer"] = ".azurecr.io",
        },
    };

    /// <summary>A stand-in for uniqueString(): 13 lowercase characters that depend only on the arguments.</summary>
    private static string FakeUniqueString(IEnumerable<string> parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        return new string(hash.Take(13).Select(b => Alphabet[b % 32]).ToArray());
    }

    private static string CidrSubnet(string network, int prefix, int index)
    {
        var parts = network.Split('/');
        var bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
        var address = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var start = address + ((uint)index << (32 - prefix));
        return $"{new IPAddress([(byte)(start >> 24), (byte)(start >> 16), (byte)(start >> 8), (byte)start])}/{prefix}";
    }

    /// <summary>True for a string that holds a run-time value.</summary>
    private static bool IsSymbolic(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var text) && !ArmValue.IsKnown(JsonValue.Create(text));

    private static JsonValue Symbolic(string function, IEnumerable<JsonNode?> arguments) =>
        JsonValue.Create(ArmValue.Unknown($"{function}({string.Join(", ", arguments.Select(ArmValue.Render))})"));

    private static string Text(JsonNode? value) => ArmValue.Text(value);

    private static long Number(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<long>(out var number) ? number
        : value is JsonValue i && i.TryGetValue<int>(out var small) ? small
        : throw new InvalidOperationException($"Not a number: {value?.ToJsonString() ?? "null"}");

    private static bool Flag(JsonNode? value, string where) =>
        value is JsonValue v && v.TryGetValue<bool>(out var flag) ? flag : throw new InvalidOperationException($"{where}: not a known boolean: {value?.ToJsonString() ?? "null"}");
}
