using System.Text.Json;
using AspireAi.EmbeddingSearch.Embeddings;

namespace AspireAi.EmbeddingSearch.Tests.Validation;

public sealed class EmbeddingRequestValidatorTests
{
    [Fact]
    public void TryValidate_StringInput_UsesDefaults()
    {
        var valid = EmbeddingRequestValidator.TryValidate(Request("""{"input":"hello"}"""), out var validated, out var error);

        Assert.True(valid);
        Assert.Null(error);
        Assert.Equal(["hello"], validated!.Inputs);
        Assert.Equal(LocalEmbeddingModel.Name, validated.Model);
        Assert.Equal(EmbeddingEncoding.Float, validated.Encoding);
    }

    [Theory]
    [InlineData("all-minilm-l6-v2")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2")]
    [InlineData("ALL-MINILM-L6-V2")]
    public void TryValidate_ModelNameOrAlias_ResolvesToCanonicalName(string model)
    {
        var valid = EmbeddingRequestValidator.TryValidate(
            Request($$"""{"input":["a","b"],"model":"{{model}}","encoding_format":"base64","dimensions":384}"""), out var validated, out _);

        Assert.True(valid);
        Assert.Equal(LocalEmbeddingModel.Name, validated!.Model);
        Assert.Equal(EmbeddingEncoding.Base64, validated.Encoding);
        Assert.Equal(["a", "b"], validated.Inputs);
    }

    [Theory]
    [InlineData("""{"input":""}""", "input", "empty_input")]
    [InlineData("""{"input":["ok",""]}""", "input", "empty_input")]
    [InlineData("""{"input":[]}""", "input", "empty_input")]
    [InlineData("""{"model":"all-minilm-l6-v2"}""", "input", "missing_input")]
    [InlineData("""{"input":null}""", "input", "missing_input")]
    [InlineData("""{"input":42}""", "input", "invalid_input")]
    [InlineData("""{"input":[[]]}""", "input", "empty_input")]
    [InlineData("""{"input":[1.5]}""", "input", "invalid_input")]
    [InlineData("""{"input":[1,"a"]}""", "input", "invalid_input")]
    [InlineData("""{"input":[[1],"a"]}""", "input", "invalid_input")]
    [InlineData("""{"input":["a",[1]]}""", "input", "invalid_input")]
    [InlineData("""{"input":[[1],[2,{"x":1}]]}""", "input", "invalid_input")]
    [InlineData("""{"input":[-1]}""", "input", "invalid_token_id")]
    [InlineData("""{"input":[100256]}""", "input", "invalid_token_id")]
    [InlineData("""{"input":[100257]}""", "input", "invalid_token_id")]
    [InlineData("""{"input":[[10],[3000000000]]}""", "input", "invalid_input")]
    [InlineData("""{"input":"x","model":"text-embedding-3-small"}""", "model", "model_not_found")]
    [InlineData("""{"input":"x","encoding_format":"int8"}""", "encoding_format", "invalid_encoding_format")]
    [InlineData("""{"input":"x","dimensions":256}""", "dimensions", "invalid_dimensions")]
    public void TryValidate_InvalidRequest_ReturnsErrorForField(string json, string param, string code)
    {
        var valid = EmbeddingRequestValidator.TryValidate(Request(json), out var validated, out var error);

        Assert.False(valid);
        Assert.Null(validated);
        Assert.Equal(OpenAiError.InvalidRequestType, error!.Type);
        Assert.Equal(param, error.Param);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void TryValidate_UnknownModel_NamesAvailableModels()
    {
        EmbeddingRequestValidator.TryValidate(Request("""{"input":"x","model":"gpt-4o"}"""), out _, out var error);

        Assert.Contains("gpt-4o", error!.Message, StringComparison.Ordinal);
        Assert.Contains(LocalEmbeddingModel.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains(LocalEmbeddingModel.Alias, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_InputCount_LimitedTo2048()
    {
        var atLimit = ArrayRequest(EmbeddingRequestValidator.MaxInputs);
        var overLimit = ArrayRequest(EmbeddingRequestValidator.MaxInputs + 1);

        var atLimitValid = EmbeddingRequestValidator.TryValidate(atLimit, out var validated, out _);
        var overLimitValid = EmbeddingRequestValidator.TryValidate(overLimit, out _, out var error);

        Assert.True(atLimitValid);
        Assert.Equal(2048, validated!.Inputs.Count);
        Assert.False(overLimitValid);
        Assert.Equal("too_many_inputs", error!.Code);
        Assert.Contains("2049", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_TokenArray_DecodesToOneText()
    {
        const string Text = "How do I parse a date from a string?";
        var tokens = TokenArrayDecoder.Encode(Text);

        var valid = EmbeddingRequestValidator.TryValidate(new EmbeddingRequest(JsonSerializer.SerializeToElement(tokens)), out var validated, out var error);

        Assert.True(valid, error?.Message);
        Assert.Equal([Text], validated!.Inputs);
    }

    [Fact]
    public void TryValidate_TokenArrays_DecodeEachInput()
    {
        string[] texts = ["Grüße aus München", "東京の天気", "emoji 🚀 at the end"];
        var tokens = texts.Select(TokenArrayDecoder.Encode).ToArray();

        var valid = EmbeddingRequestValidator.TryValidate(new EmbeddingRequest(JsonSerializer.SerializeToElement(tokens)), out var validated, out var error);

        Assert.True(valid, error?.Message);
        Assert.Equal(texts, validated!.Inputs);
    }

    [Fact]
    public void TryValidate_SpecialTokenId_ExplainsEncoding()
    {
        EmbeddingRequestValidator.TryValidate(Request("""{"input":[[9906],[9906,100257]]}"""), out _, out var error);

        Assert.Equal("invalid_token_id", error!.Code);
        Assert.Contains("input[1][1] is 100257", error.Message, StringComparison.Ordinal);
        Assert.Contains(TokenArrayDecoder.EncodingName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_TokenCount_LimitedPerInput()
    {
        var atLimit = new EmbeddingRequest(JsonSerializer.SerializeToElement(Enumerable.Repeat(9906, TokenArrayDecoder.MaxTokensPerInput)));
        var overLimit = new EmbeddingRequest(JsonSerializer.SerializeToElement(Enumerable.Repeat(9906, TokenArrayDecoder.MaxTokensPerInput + 1)));

        var atLimitValid = EmbeddingRequestValidator.TryValidate(atLimit, out _, out _);
        var overLimitValid = EmbeddingRequestValidator.TryValidate(overLimit, out _, out var error);

        Assert.True(atLimitValid);
        Assert.False(overLimitValid);
        Assert.Equal("too_many_tokens", error!.Code);
        Assert.Contains("8193", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_NullBody_ReturnsMissingBody()
    {
        var valid = EmbeddingRequestValidator.TryValidate(null, out _, out var error);

        Assert.False(valid);
        Assert.Equal("missing_body", error!.Code);
    }

    [Fact]
    public void ErrorResponse_NullParam_WritesNull()
    {
        var json = JsonSerializer.Serialize(
            new OpenAiErrorResponse(OpenAiError.InvalidRequest("bad", null, "invalid_api_key")), AspireAi.BillingClient.BillingJson.Options);

        Assert.Equal("""{"error":{"message":"bad","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""", json);
    }

    private static EmbeddingRequest? Request(string json) =>
        JsonSerializer.Deserialize<EmbeddingRequest>(json, AspireAi.BillingClient.BillingJson.Options);

    private static EmbeddingRequest ArrayRequest(int count) =>
        new(JsonSerializer.SerializeToElement(Enumerable.Repeat("text", count).ToArray()));
}
