using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AspireAi.ProviderEmulator.Chat;
using AspireAi.ProviderEmulator.Embeddings;
using AspireAi.ProviderEmulator.Faults;
using AspireAi.ProviderEmulator.Models;
using AspireAi.ProviderEmulator.OpenAi;
using AspireAi.Tokenization;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator;

/// <summary>
/// Registers the ProviderEmulator, a development and test upstream that speaks OpenAI's wire format
/// with generated replies instead of a model, like Azurite for Azure Storage.
/// </summary>
public static class ProviderEmulatorServiceExtensions
{
    /// <summary>
    /// Adds the emulator's services: options bound from the <c>ProviderEmulator</c> section and validated
    /// at start, OpenAI's snake_case JSON, the reply and embedding generators, and the start-up log entry.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static WebApplicationBuilder AddProviderEmulatorServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddOptions<ProviderEmulatorOptions>()
            .BindConfiguration(ProviderEmulatorOptions.SectionName)
            .PostConfigure(options =>
            {
                // The binder appends configured items to a list's initial items, so the defaults are
                // filled in afterwards instead of as the property's initial value.
                if (options.Models.Count == 0)
                {
                    options.Models.AddRange(ProviderEmulatorOptions.DefaultModels);
                }

                options.Models.AddRange(options.Faults.Keys.Where(model => !options.Models.Contains(model, StringComparer.Ordinal)));
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProviderEmulatorOptions>, ValidateProviderEmulatorOptions>();

        services.ConfigureHttpJsonOptions(json => ConfigureOpenAiJson(json.SerializerOptions));

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(TokenCounter.Shared);
        services.AddSingleton<OpenAiRequestBody>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<EmulatedLatency>();
        services.AddSingleton<ReplyGenerator>();
        services.AddSingleton<ChatCompletionService>();
        services.AddSingleton<EmbeddingGenerator>();
        services.AddSingleton<EmbeddingService>();
        services.AddSingleton<FaultInjector>();
        services.AddHostedService<StartupLogger>();

        return builder;
    }

    private static void ConfigureOpenAiJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;

        // The default encoder escapes every non-ASCII character as \uXXXX. Writing them as raw UTF-8
        // makes clients and the gateway handle multibyte characters that are split across reads.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }
}
