using System.Data.Common;

namespace AspireAi.EmbeddingSearch.Storage.Qdrant;

/// <summary>
/// Settings of the Qdrant gRPC client, read in Aspire's order: the section
/// <c>Aspire:Qdrant:Client</c>, then <c>Aspire:Qdrant:Client:{connection name}</c>, then the
/// connection string <c>ConnectionStrings:{connection name}</c>, then the caller's delegate.
/// </summary>
public sealed class QdrantClientSettings
{
    /// <summary>The configuration section shared by every Qdrant client.</summary>
    public const string DefaultConfigSectionName = "Aspire:Qdrant:Client";

    /// <summary>The gRPC endpoint, for example <c>http://localhost:6334</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key sent in the <c>api-key</c> header, or null when the server needs none.</summary>
    public string? Key { get; set; }

    /// <summary>The deadline of each gRPC call; zero leaves calls without a deadline.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether to leave out the health check that calls Qdrant's health endpoint.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>
    /// Reads <c>Endpoint=&lt;url&gt;;Key=&lt;api key&gt;</c>, or a bare URL, into <see cref="Endpoint"/>
    /// and <see cref="Key"/>. Keys are case-insensitive; unknown keys are ignored.
    /// </summary>
    /// <param name="connectionString">The connection string.</param>
    /// <exception cref="FormatException">The endpoint is not an absolute URL.</exception>
    public void ParseConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var bare) && !connectionString.Contains('=', StringComparison.Ordinal))
        {
            Endpoint = bare;
            return;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (builder.TryGetValue("Endpoint", out var endpoint) && endpoint?.ToString() is { Length: > 0 } text)
        {
            // The endpoint is not echoed: a connection string may carry credentials in its URL.
            Endpoint = Uri.TryCreate(text, UriKind.Absolute, out var uri)
                ? uri
                : throw new FormatException("The Qdrant connection string has an Endpoint that is not an absolute URL, such as http://localhost:6334.");
        }

        if (builder.TryGetValue("Key", out var key) && key?.ToString() is { Length: > 0 } apiKey)
        {
            Key = apiKey;
        }
    }
}
