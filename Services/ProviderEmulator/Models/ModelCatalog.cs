using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Models;

/// <summary>The configured model ids, looked up by exact (ordinal) match as OpenAI does.</summary>
internal sealed class ModelCatalog(IOptions<ProviderEmulatorOptions> options)
{
    private readonly HashSet<string> _models = new(options.Value.Models, StringComparer.Ordinal);

    public IReadOnlyList<string> Models => options.Value.Models;

    public bool Contains(string model) => _models.Contains(model);
}
