using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AspireAi.AppHost.Tests;

/// <summary>
/// Translates Aspire manifest expressions such as <c>{billing.bindings.http.url}</c> into the Go template
/// text that azd writes into a container app template, so a test can compare a committed template with
/// what the manifest specifies.
/// </summary>
/// <remarks>
/// The rules follow azd's generator (cli/azd/pkg/apphost/generate.go and aca_ingress.go in Azure/azure-dev,
/// read on 2026-12-04) for the expressions this AppHost produces, with two choices of ours:
/// a project's port is <c>{{ targetPortOrDefault 8080 }}</c>, where azd writes 0 as the fallback that
/// <c>dotnet publish</c> always overrides, and a <c>uri</c>-filtered string pipes its secured parameter
/// through Go's <c>urlquery</c>. An expression outside these rules throws, so the test shows it.
/// </remarks>
internal sealed class AzdManifestExpressions(JsonNode manifest)
{
    /// <summary>The Go template action that azd replaces with the port that <c>dotnet publish</c> reports.</summary>
    public const string ProjectTargetPort = "{{ targetPortOrDefault 8080 }}";

    private const string InternalDomain = "internal.{{ .Env.AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN }}";
    private const string ExternalDomain = "{{ .Env.AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN }}";

    private readonly JsonObject _resources = manifest["resources"]?.AsObject()
        ?? throw new ArgumentException("The manifest has no resources.", nameof(manifest));

    /// <summary>Returns the Go template name of a secret parameter, as used in <c>securedParameter</c>.</summary>
    public static string SecuredParameterName(string parameter) => parameter.Replace('-', '_');

    /// <summary>Translates every <c>{...}</c> expression in <paramref name="value"/>.</summary>
    public string Translate(string value)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < value.Length)
        {
            var open = value.IndexOf('{', position);
            if (open < 0)
            {
                result.Append(value, position, value.Length - position);
                break;
            }

            var close = value.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"The manifest value '{value}' has an unclosed expression.");
            }

            result.Append(value, position, open - position);
            result.Append(TranslateExpression(value[(open + 1)..close]));
            position = close + 1;
        }

        return result.ToString();
    }

    /// <summary>
    /// Returns true when azd stores the variable as a container app secret: a connection string or a value
    /// that contains a secured parameter (the rule in azd's <c>buildEnvBlock</c>).
    /// </summary>
    public bool IsSecret(string name, string value) =>
        name.Contains("ConnectionStrings__", StringComparison.Ordinal)
        || value.Contains(".connectionString}", StringComparison.Ordinal)
        || Translate(value).Contains("{{ securedParameter ", StringComparison.Ordinal);

    private string TranslateExpression(string expression)
    {
        var parts = expression.Split('.');
        var resource = _resources[parts[0]]
            ?? throw new FormatException($"The expression {{{expression}}} names no resource in the manifest.");
        var type = resource["type"]!.GetValue<string>();

        return parts[1..] switch
        {
            ["connectionString"] => Translate(resource["connectionString"]?.GetValue<string>()
                ?? throw new FormatException($"Resource {parts[0]} has no connection string.")),
            ["value"] when type == "parameter.v0" => SecuredParameter(parts[0], resource),
            ["value"] when type == "annotated.string" && resource["filter"]?.GetValue<string>() == "uri" =>
                PipeThroughUrlQuery(Translate(resource["value"]!.GetValue<string>())),
            ["bindings", var binding, var property] => TranslateBinding(parts[0], type, resource, binding, property),
            _ => throw new FormatException($"The expression {{{expression}}} is not one that these tests translate."),
        };
    }

    private static string SecuredParameter(string name, JsonNode parameter)
    {
        if (parameter["inputs"]?["value"]?["secret"]?.GetValue<bool>() != true)
        {
            throw new FormatException($"Parameter {name} is not secret; these tests translate only secret parameters.");
        }

        return $"{{{{ securedParameter \"{SecuredParameterName(name)}\" }}}}";
    }

    private static string PipeThroughUrlQuery(string translated) =>
        translated.Replace(" }}", " | urlquery }}", StringComparison.Ordinal);

    private static string TranslateBinding(string name, string type, JsonNode resource, string bindingName, string property)
    {
        var binding = resource["bindings"]?[bindingName]
            ?? throw new FormatException($"Resource {name} has no binding named {bindingName}.");
        var scheme = binding["scheme"]!.GetValue<string>();
        var targetPort = binding["targetPort"]?.GetValue<int>();
        var isHttp = scheme is "http" or "https";
        var isMainIngress = bindingName == MainIngressBinding(resource);

        return property switch
        {
            "targetPort" => targetPort?.ToString(CultureInfo.InvariantCulture)
                ?? (type == "project.v0" ? ProjectTargetPort : throw new FormatException($"Binding {name}.{bindingName} has no target port.")),
            "scheme" => scheme,
            "host" when !isHttp => name,
            "port" when !isHttp => targetPort?.ToString(CultureInfo.InvariantCulture)
                ?? throw new FormatException($"Binding {name}.{bindingName} has no target port."),
            "url" when isHttp && isMainIngress =>
                $"{scheme}://{name}.{(binding["external"]?.GetValue<bool>() == true ? ExternalDomain : InternalDomain)}",
            _ => throw new FormatException($"Property {property} of binding {name}.{bindingName} is not one that these tests translate."),
        };
    }

    /// <summary>
    /// Returns the binding that azd maps to the main ingress when every binding is HTTP: the external one,
    /// or else the first one listed.
    /// </summary>
    private static string? MainIngressBinding(JsonNode resource)
    {
        var bindings = resource["bindings"]?.AsObject().ToList() ?? [];
        if (bindings.Count == 0 || bindings.Any(binding => binding.Value!["scheme"]!.GetValue<string>() is not ("http" or "https")))
        {
            return null;
        }

        var external = bindings.Where(binding => binding.Value!["external"]?.GetValue<bool>() == true).ToList();
        return external.Count == 1 ? external[0].Key : bindings[0].Key;
    }
}
