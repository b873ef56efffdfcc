using System.Text.Json.Serialization;

namespace AspireAi.ProviderEmulator.Models;

/// <summary>The body of <c>GET /v1/models</c>.</summary>
/// <param name="Data">The models.</param>
public sealed record ModelList(IReadOnlyList<ModelInfo> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}

/// <summary>One model as OpenAI describes it.</summary>
/// <param name="Id">The model id to send in requests.</param>
/// <param name="Created">When the model was created, in Unix seconds.</param>
/// <param name="OwnedBy">The organization that owns the model.</param>
public sealed record ModelInfo(string Id, long Created, string OwnedBy)
{
    /// <summary>Always <c>model</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Object => "model";
}
