namespace AspireAi.Billing.Usage;

/// <summary>The error body of OpenAI-compatible routes: <c>{"error": {"message", "type", "code"}}</c>.</summary>
public sealed record OpenAiErrorResponse(OpenAiError Error);

/// <summary>One error in the OpenAI shape.</summary>
/// <param name="Message">What was wrong and how to fix it.</param>
/// <param name="Type">The error class, such as <c>invalid_request_error</c>.</param>
/// <param name="Code">A stable machine-readable code, such as <c>invalid_api_key</c>.</param>
/// <param name="Param">The query parameter at fault, when there is one.</param>
public sealed record OpenAiError(string Message, string Type, string Code, string? Param = null);
