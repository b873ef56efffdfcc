using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Tests;

public sealed class ProviderEmulatorOptionsTests
{
    [Fact]
    public void Validate_DefaultOptions_Succeeds()
    {
        var options = new ProviderEmulatorOptions { Models = [.. ProviderEmulatorOptions.DefaultModels] };

        var result = new ValidateProviderEmulatorOptions().Validate(null, options);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EveryBadValue_NamesEachKey()
    {
        var options = new ProviderEmulatorOptions
        {
            Models = ["gpt-4o", " ", "gpt-4o"],
            ApiKey = "   ",
            TimeToFirstToken = TimeSpan.FromSeconds(-1),
            TokensPerSecond = double.NaN,
            EmbeddingDimensions = 0,
            Faults = { ["flaky"] = new() { StatusCode = 200, FailedAttempts = 0 } },
        };

        var result = new ValidateProviderEmulatorOptions().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:Models:1 ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:Models:2 ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:ApiKey ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:TimeToFirstToken ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:TokensPerSecond ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:EmbeddingDimensions ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:Faults:flaky:StatusCode ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("ProviderEmulator:Faults:flaky:FailedAttempts ", StringComparison.Ordinal));
        Assert.Equal(8, failures.Count);
    }

    [Fact]
    public void Start_NegativeTokenRate_FailsNamingKey()
    {
        using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(builder => builder.UseSetting("ProviderEmulator:TokensPerSecond", "-5"));

        var exception = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("ProviderEmulator:TokensPerSecond", exception.Message, StringComparison.Ordinal);
    }
}
