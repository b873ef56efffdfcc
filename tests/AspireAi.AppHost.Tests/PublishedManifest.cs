using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AspireAi.AppHost.Tests;

/// <summary>
/// Publishes the Aspire manifest the way azd does (<c>--publisher manifest</c>) and reads resources from it.
/// </summary>
internal static class PublishedManifest
{
    /// <summary>
    /// Runs the built AppHost with <c>--publisher manifest</c>, as <c>azd</c> does, under the Development
    /// environment that <c>dotnet run</c> takes from the launch profile, and parses the manifest.
    /// </summary>
    public static async Task<JsonNode> PublishManifestAsync(params (string Name, string Value)[] environment)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var outputDirectory = OutputDirectory();
        var manifestPath = Path.Combine(outputDirectory, "aspire-manifest.json");
        var appHostAssembly = Path.Combine(AppContext.BaseDirectory, "AspireAi.AppHost.dll");

        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { appHostAssembly, "--publisher", "manifest", "--output-path", manifestPath },
        };
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        startInfo.Environment["AspireAi__Local__DataDirectory"] = Path.Combine(outputDirectory, "data");
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var log = $"{await output}{await error}";
        Assert.True(process.ExitCode == 0, $"The AppHost exited with {process.ExitCode} while publishing the manifest:\n{log}");
        Assert.True(File.Exists(manifestPath), $"The AppHost wrote no manifest at {manifestPath}:\n{log}");

        JsonNode? manifest;
        await using (var stream = File.OpenRead(manifestPath))
        {
            manifest = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        }

        Directory.Delete(outputDirectory, recursive: true);
        return manifest ?? throw new InvalidOperationException($"{manifestPath} is empty.");
    }

    public static string OutputDirectory() =>
        Path.Combine(Path.GetTempPath(), "aspireai-manifest-tests", Guid.NewGuid().ToString("N"));

    public static JsonNode Resource(JsonNode manifest, string name) =>
        manifest["resources"]?[name] ?? throw new Xunit.Sdk.XunitException($"The manifest has no resource named {name}.");

    public static string? TypeOf(JsonNode manifest, string name) => Resource(manifest, name)["type"]?.GetValue<string>();

    public static JsonNode Binding(JsonNode manifest, string resource, string binding) =>
        Resource(manifest, resource)["bindings"]?[binding] ?? throw new Xunit.Sdk.XunitException($"Resource {resource} has no binding named {binding}.");

    public static Dictionary<string, string> EnvironmentOf(JsonNode manifest, string resource) =>
        Resource(manifest, resource)["env"]?.AsObject().ToDictionary(variable => variable.Key, variable => variable.Value!.GetValue<string>())
            ?? [];
}
