using AspireAi.Billing.Pricing;

namespace AspireAi.Billing.Tests.Pricing;

public sealed class PriceCatalogTests
{
    private static string ShippedCatalogPath => Path.Combine(AppContext.BaseDirectory, "Pricing", "price-catalog.json");

    [Fact]
    public void Load_ShippedCatalog_ContainsRequiredModels()
    {
        var prices = PriceCatalog.Load(ShippedCatalogPath);

        var expected = new (string Provider, string Model, decimal Input, decimal Output, decimal CachedInput)[]
        {
            ("openai", "gpt-4o-mini", 0.15m, 0.60m, 0.075m),
            ("openai", "gpt-4o", 2.50m, 10.00m, 1.25m),
            ("openai", "gpt-4.1", 2.00m, 8.00m, 0.50m),
            ("openai", "gpt-4.1-mini", 0.40m, 1.60m, 0.10m),
            ("openai", "gpt-4.1-nano", 0.10m, 0.40m, 0.025m),
            ("openai", "text-embedding-3-small", 0.02m, 0m, 0m),
            ("openai", "text-embedding-3-large", 0.13m, 0m, 0m),
            ("anthropic", "claude-sonnet-4", 3.00m, 15.00m, 0.30m),
            ("anthropic", "claude-3-5-haiku", 0.80m, 4.00m, 0.08m),
            ("local", "all-minilm-l6-v2", 0m, 0m, 0m),
        };
        foreach (var (provider, model, input, output, cachedInput) in expected)
        {
            var price = Assert.Single(prices, p => p.Provider == provider && p.Model == model);
            Assert.Equal(input, price.InputPerMillion);
            Assert.Equal(output, price.OutputPerMillion);
            Assert.Equal(cachedInput, price.CachedInputPerMillion);
            Assert.Equal(new DateOnly(2025, 1, 1), price.EffectiveFrom);
        }
    }

    [Fact]
    public void Parse_NegativePrice_NamesEntry()
    {
        var json = Catalog("""{ "provider": "openai", "model": "bad-model", "input": -1, "output": 1, "cached_input": 0, "effective_from": "2025-01-01" }""");

        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse(json, "test.json"));

        Assert.Contains("entry 1 (openai/bad-model)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("input is negative", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ImplausiblePrice_NamesEntryAndField()
    {
        var json = Catalog("""{ "provider": "openai", "model": "typo-model", "input": 1, "output": 1500, "cached_input": 0, "effective_from": "2025-01-01" }""");

        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse(json, "test.json"));

        Assert.Contains("entry 1 (openai/typo-model)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("output is 1500", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingField_NamesEntryAndField()
    {
        var json = Catalog("""{ "provider": "anthropic", "model": "no-output", "input": 1, "cached_input": 0, "effective_from": "2025-01-01" }""");

        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse(json, "test.json"));

        Assert.Contains("entry 1 (anthropic/no-output): output is missing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingEffectiveDate_NamesEntry()
    {
        var json = Catalog("""{ "provider": "openai", "model": "undated", "input": 1, "output": 1, "cached_input": 0 }""");

        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse(json, "test.json"));

        Assert.Contains("entry 1 (openai/undated): effective_from is missing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CachedAboveInput_NamesEntry()
    {
        var json = Catalog("""{ "provider": "openai", "model": "odd-cache", "input": 1, "output": 1, "cached_input": 2, "effective_from": "2025-01-01" }""");

        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse(json, "test.json"));

        Assert.Contains("entry 1 (openai/odd-cache): cached_input 2 is higher than input 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateEntry_NamesSecondEntry()
    {
        var json = Catalog("""{ "provider": "openai", "model": "gpt-4o-mini", "input": 0.2, "output": 0.6, "cached_input": 0.1, "effective_from": "2025-01-01" }""");

        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse(json, "test.json"));

        Assert.Contains("entry 1 (openai/gpt-4o-mini): a second price", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_NamesSource()
    {
        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse("{ \"prices\": [", "broken.json"));

        Assert.Contains("'broken.json' is not valid JSON", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyPrices_Throws()
    {
        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse("""{ "prices": [] }""", "empty.json"));

        Assert.Contains("empty", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DecimalPrices_KeepsExactValues()
    {
        var json = Catalog("""{ "provider": "test", "model": "precise", "input": 0.123456789, "output": 0.1, "cached_input": 0.000001, "effective_from": "2025-03-01" }""");

        var prices = PriceCatalog.Parse(json, "test.json");

        var price = Assert.Single(prices, p => p.Model == "precise");
        Assert.Equal(0.123456789m, price.InputPerMillion);
        Assert.Equal(0.000001m, price.CachedInputPerMillion);
        Assert.Equal(new DateOnly(2025, 3, 1), price.EffectiveFrom);
    }

    [Fact]
    public void Load_MissingFile_NamesPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var exception = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Load(path));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    // Builds a catalog whose entry 0 is valid and whose entry 1 is the entry under test.
    private static string Catalog(string secondEntry) =>
        $$"""
        {
          "prices": [
            { "provider": "openai", "model": "gpt-4o-mini", "input": 0.15, "output": 0.60, "cached_input": 0.075, "effective_from": "2025-01-01" },
            {{secondEntry}}
          ]
        }
        """;
}
