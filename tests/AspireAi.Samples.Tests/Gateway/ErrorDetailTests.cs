using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Samples.Tests.Gateway;

public sealed class ErrorDetailTests
{
    [Fact]
    public void FromBody_ValidationProblem_JoinsTitleAndErrors()
    {
        const string Body = """{"title":"One or more validation errors occurred.","errors":{"documents[0].id":["The id is required: 1 to 128 characters."]}}""";

        var detail = ErrorDetail.FromBody(Body);

        Assert.Equal("One or more validation errors occurred. documents[0].id: The id is required: 1 to 128 characters.", detail);
    }

    [Fact]
    public void FromBody_ErrorsNotArrays_SkipsThem()
    {
        const string Body = """{"title":"Invalid request.","errors":{"model":"missing","messages":["At least one message is required."]}}""";

        var detail = ErrorDetail.FromBody(Body);

        Assert.Equal("Invalid request. messages: At least one message is required.", detail);
    }

    [Fact]
    public void FromBody_ProblemWithDetail_ReturnsDetail()
    {
        const string Body = """{"title":"Collection not found","detail":"The collection 'x' does not exist.","status":404}""";

        var detail = ErrorDetail.FromBody(Body);

        Assert.Equal("The collection 'x' does not exist.", detail);
    }

    [Fact]
    public void FromBody_OpenAiError_ReturnsMessage()
    {
        const string Body = """{"error":{"message":"Invalid API key.","type":"invalid_request_error","code":"invalid_api_key"}}""";

        var detail = ErrorDetail.FromBody(Body);

        Assert.Equal("Invalid API key.", detail);
    }

    [Fact]
    public void FromBody_NotJson_ReturnsTrimmedText()
    {
        var detail = ErrorDetail.FromBody("  <html>Bad gateway</html>\n");

        Assert.Equal("<html>Bad gateway</html>", detail);
    }

    [Fact]
    public void FromBody_Empty_SaysSo()
    {
        var detail = ErrorDetail.FromBody(string.Empty);

        Assert.Equal("the response had no body.", detail);
    }
}
