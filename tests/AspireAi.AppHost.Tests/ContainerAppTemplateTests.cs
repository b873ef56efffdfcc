using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AspireAi.AppHost.Hosting;
using static AspireAi.AppHost.Tests.PublishedManifest;

#pragma warning disable ASPIREPROBES001 // EndpointProbeAnnotation and ProbeType are marked for evaluation in Aspire 13.6.

namespace AspireAi.AppHost.Tests;

/// <summary>
/// Checks the container app templates in AppHost/infra, which azd uses instead of the ones it generates,
/// against the Aspire manifest and the publish-mode model, so a renamed setting or a changed probe cannot
/// drift away from what azd deploys.
/// </summary>
public sealed partial class ContainerAppTemplateTests(PublishedAppHost published) : IClassFixture<PublishedAppHost>
{
    /// <summary>The variable that azd's template adds to every app for its managed identity.</summary>
    private const string ManagedIdentityVariable = "AZURE_CLIENT_ID";

    [Fact]
    public void Templates_ExistForEveryProjectResource()
    {
        var projects = published.ProjectNames;
        var templates = Directory.GetFiles(published.TemplateDirectory, "*.tmpl.yaml")
            .Select(path => Path.GetFileName(path)[..^".tmpl.yaml".Length])
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(projects, templates);
        foreach (var name in projects)
        {
            var template = published.Template(name);
            var container = Container(template, name);

            Assert.Equal("{{ .Image }}", Text(container, "image"));
            Assert.Equal(name, Text(container, "name"));
            Assert.Equal(name, Text(template, "tags", "azd-service-name"));
            Assert.Equal(name, Text(template, "tags", "aspire-resource-name"));
        }
    }

    [Fact]
    public void Templates_NameEveryManifestVariable()
    {
        foreach (var name in published.ProjectNames)
        {
            var expected = EnvironmentOf(published.Manifest, name).Keys.Order(StringComparer.Ordinal).ToList();
            var actual = Variables(published.Template(name), name)
                .Select(variable => variable.Name)
                .Where(variable => variable != ManagedIdentityVariable)
                .Order(StringComparer.Ordinal)
                .ToList();

            Assert.True(expected.SequenceEqual(actual), $"{name}.tmpl.yaml names [{string.Join(", ", actual)}], but the manifest gives {name} [{string.Join(", ", expected)}].");
        }
    }

    [Fact]
    public void Templates_ValuesMatchManifest()
    {
        var expressions = new AzdManifestExpressions(published.Manifest);
        foreach (var name in published.ProjectNames)
        {
            var template = published.Template(name);
            var variables = Variables(template, name).ToDictionary(variable => variable.Name);
            var secrets = Secrets(template);
            foreach (var (variable, manifestValue) in EnvironmentOf(published.Manifest, name))
            {
                Assert.True(variables.TryGetValue(variable, out var entry), $"{name}.tmpl.yaml does not set {variable}.");
                var expected = expressions.Translate(manifestValue);
                if (expressions.IsSecret(variable, manifestValue))
                {
                    Assert.True(entry.SecretRef is not null, $"{name}: {variable} carries a secret, so it must use secretRef, not value.");
                    Assert.True(secrets.TryGetValue(entry.SecretRef, out var secret), $"{name}: {variable} refers to secret {entry.SecretRef}, which is not in configuration.secrets.");
                    Assert.Equal(expected, secret);
                }
                else
                {
                    Assert.True(entry.Value is not null, $"{name}: {variable} carries no secret, so it must use value, not secretRef.");
                    Assert.Equal(expected, entry.Value);
                }
            }
        }
    }

    [Fact]
    public void Templates_SecretsComeOnlyFromSecuredParameters()
    {
        var secretParameters = published.Manifest["resources"]!.AsObject()
            .Where(resource => resource.Value!["type"]!.GetValue<string>() == "parameter.v0"
                && resource.Value["inputs"]?["value"]?["secret"]?.GetValue<bool>() == true)
            .Select(resource => AzdManifestExpressions.SecuredParameterName(resource.Key))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var name in published.ProjectNames)
        {
            var template = published.Template(name);
            var secrets = Secrets(template);
            var variables = Variables(template, name);

            Assert.NotEmpty(secrets);
            foreach (var (secretName, value) in secrets)
            {
                var parameters = SecuredParameterPattern().Matches(value).Select(match => match.Groups["name"].Value).ToList();
                Assert.True(parameters.Count > 0, $"{name}: secret {secretName} does not take its value from securedParameter.");
                Assert.All(parameters, parameter => Assert.True(secretParameters.Contains(parameter), $"{name}: secret {secretName} uses securedParameter \"{parameter}\", which is not a secret parameter in the manifest."));
                Assert.False(LiteralCredentialPattern().IsMatch(value), $"{name}: secret {secretName} has a password or key that is not a securedParameter: {value}");
                Assert.Contains(variables, variable => variable.SecretRef == secretName);
            }

            foreach (var variable in variables)
            {
                Assert.False(variable.Value?.Contains("securedParameter", StringComparison.Ordinal) ?? false, $"{name}: {variable.Name} puts a secured parameter in a plain value; use secretRef.");
                Assert.True(variable.SecretRef is null || secrets.ContainsKey(variable.SecretRef), $"{name}: {variable.Name} refers to secret {variable.SecretRef}, which is not in configuration.secrets.");
            }
        }
    }

    [Fact]
    public void Templates_ProbesMatchPublishModel()
    {
        foreach (var name in published.ProjectNames)
        {
            var template = published.Template(name);
            var container = Container(template, name);
            var probes = container["probes"]?.AsArray() ?? throw new Xunit.Sdk.XunitException($"{name}.tmpl.yaml has no probes.");
            var targetPort = Text(template, "properties", "configuration", "ingress", "targetPort");

            Assert.Equal(published.Probes[name].Count, probes.Count);
            foreach (var expected in published.Probes[name])
            {
                var type = expected.Type.ToString();
                var probe = probes.SingleOrDefault(probe => probe!["type"]?.GetValue<string>() == type)
                    ?? throw new Xunit.Sdk.XunitException($"{name}.tmpl.yaml has no {type} probe.");

                Assert.Equal(expected.Path, Text(probe, "httpGet", "path"));
                Assert.Equal(targetPort, Text(probe, "httpGet", "port"));
                Assert.Equal(Invariant(expected.InitialDelaySeconds), Text(probe, "initialDelaySeconds"));
                Assert.Equal(Invariant(expected.PeriodSeconds), Text(probe, "periodSeconds"));
                Assert.Equal(Invariant(expected.TimeoutSeconds), Text(probe, "timeoutSeconds"));
                Assert.Equal(Invariant(expected.FailureThreshold), Text(probe, "failureThreshold"));
            }
        }

        Assert.Equal("/alive", published.Probes[AspireAiModel.GatewayName].Single(probe => probe.Type == ProbeType.Liveness).Path);
        Assert.Equal("/health", published.Probes[AspireAiModel.GatewayName].Single(probe => probe.Type == ProbeType.Readiness).Path);
    }

    [Fact]
    public void Templates_OnlyGatewayIsExternal()
    {
        foreach (var name in published.ProjectNames)
        {
            var template = published.Template(name);
            var isGateway = name == AspireAiModel.GatewayName;

            Assert.Equal(isGateway ? "true" : "false", Text(template, "properties", "configuration", "ingress", "external"));
            Assert.Equal(isGateway ? "false" : "true", Text(template, "properties", "configuration", "ingress", "allowInsecure"));
            Assert.Equal(AzdManifestExpressions.ProjectTargetPort, Text(template, "properties", "configuration", "ingress", "targetPort"));
        }
    }

    [Fact]
    public void Templates_ReplicasMatchPublishModel()
    {
        foreach (var name in published.ProjectNames)
        {
            var scale = published.Template(name)["properties"]?["template"]?["scale"]
                ?? throw new Xunit.Sdk.XunitException($"{name}.tmpl.yaml has no properties.template.scale.");
            var minimum = int.Parse(Text(scale, "minReplicas"), System.Globalization.CultureInfo.InvariantCulture);
            var maximum = int.Parse(Text(scale, "maxReplicas"), System.Globalization.CultureInfo.InvariantCulture);

            Assert.True(minimum == published.Replicas[name], $"{name}.tmpl.yaml has minReplicas {minimum}, but the AppHost gives {name} {published.Replicas[name]} replicas in publish mode.");
            Assert.True(maximum >= minimum, $"{name}.tmpl.yaml has maxReplicas {maximum}, below minReplicas {minimum}.");
        }

        var gatewayScale = published.Template(AspireAiModel.GatewayName)["properties"]!["template"]!["scale"]!;
        Assert.Equal(Invariant(PublishModeExtensions.StatelessReplicas), Text(gatewayScale, "minReplicas"));
        Assert.Contains(gatewayScale["rules"]!.AsArray(), rule => rule?["http"]?["metadata"]?["concurrentRequests"] is not null);
    }

    [Fact]
    public void Templates_CommentsHaveNoTemplateActions()
    {
        foreach (var name in published.ProjectNames)
        {
            var comments = File.ReadLines(Path.Combine(published.TemplateDirectory, $"{name}.tmpl.yaml"))
                .Where(line => line.TrimStart().StartsWith('#'));

            // azd renders the whole file as a Go template, comments included, so "{{" there would be executed.
            Assert.DoesNotContain(comments, line => line.Contains("{{", StringComparison.Ordinal));
        }
    }

    private static JsonNode Container(JsonNode template, string name) =>
        template["properties"]?["template"]?["containers"]?.AsArray().SingleOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"{name}.tmpl.yaml does not have exactly one container under properties.template.containers.");

    private static List<TemplateVariable> Variables(JsonNode template, string name) =>
        Container(template, name)["env"]?.AsArray()
            .Select(entry => new TemplateVariable(
                entry!["name"]!.GetValue<string>(),
                entry["value"]?.GetValue<string>(),
                entry["secretRef"]?.GetValue<string>()))
            .ToList()
            ?? throw new Xunit.Sdk.XunitException($"{name}.tmpl.yaml has no env list on its container.");

    private static Dictionary<string, string> Secrets(JsonNode template) =>
        template["properties"]?["configuration"]?["secrets"]?.AsArray()
            .ToDictionary(secret => secret!["name"]!.GetValue<string>(), secret => secret!["value"]!.GetValue<string>())
            ?? [];

    private static string Text(JsonNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            current = current[key] ?? throw new Xunit.Sdk.XunitException($"The template has no {string.Join('.', path)}.");
        }

        return current.GetValue<string>();
    }

    private static string Invariant(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unset)";

    [GeneratedRegex("""\{\{ securedParameter "(?<name>[a-z0-9_]+)"( \| urlquery)? \}\}""")]
    private static partial Regex SecuredParameterPattern();

    /// <summary>Matches a password or key that is followed by anything other than a secured parameter.</summary>
    [GeneratedRegex("""(?i)(password|key)=(?!\{\{ securedParameter )""")]
    private static partial Regex LiteralCredentialPattern();

    private sealed record TemplateVariable(string Name, string? Value, string? SecretRef);
}

/// <summary>
/// Publishes the manifest and builds the publish-mode model once for <see cref="ContainerAppTemplateTests"/>,
/// and reads the templates from AppHost/infra.
/// </summary>
public sealed class PublishedAppHost : IAsyncLifetime
{
    public JsonNode Manifest { get; private set; } = new JsonObject();

    public IReadOnlyList<string> ProjectNames { get; private set; } = [];

    public IReadOnlyDictionary<string, int> Replicas { get; private set; } = new Dictionary<string, int>();

    public IReadOnlyDictionary<string, IReadOnlyList<EndpointProbeAnnotation>> Probes { get; private set; } =
        new Dictionary<string, IReadOnlyList<EndpointProbeAnnotation>>();

    public string TemplateDirectory { get; } = Path.Combine(FindRepositoryRoot(), "AppHost", "infra");

    public JsonNode Template(string name)
    {
        var path = Path.Combine(TemplateDirectory, $"{name}.tmpl.yaml");
        Assert.True(File.Exists(path), $"There is no container app template for {name} at {path}.");
        try
        {
            return YamlSubsetReader.Read(File.ReadAllText(path));
        }
        catch (FormatException exception)
        {
            throw new Xunit.Sdk.XunitException($"{path}: {exception.Message}");
        }
    }

    public async ValueTask InitializeAsync()
    {
        Manifest = await PublishManifestAsync();
        ProjectNames = Manifest["resources"]!.AsObject()
            .Where(resource => resource.Value!["type"]!.GetValue<string>() == "project.v0")
            .Select(resource => resource.Key)
            .Order(StringComparer.Ordinal)
            .ToList();

        await using var app = await ModelBuilder.BuildAsync("--publisher", "manifest", "--output-path", OutputDirectory());
        Replicas = ProjectNames.ToDictionary(name => name, name => app.Single<ProjectResource>(name).GetReplicaCount());
        Probes = ProjectNames.ToDictionary(
            name => name,
            name => (IReadOnlyList<EndpointProbeAnnotation>)app.Single<ProjectResource>(name).Annotations.OfType<EndpointProbeAnnotation>().ToList());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AppHost", "AppHost.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains AppHost/AppHost.csproj.");
    }
}
