using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.ProviderEmulator.Chat;
using AspireAi.ProviderEmulator.Faults;
using AspireAi.ProviderEmulator.Models;
using AspireAi.Tokenization;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Anthropic;

/// <summary>
/// Anthropic's Messages API on the emulator: the same deterministic replies as the chat route, as an
/// Anthropic message or as its event stream, with the same injectable faults.
/// </summary>
public static class MessageEndpoints
{
    /// <summary>Maps <c>POST /v1/messages</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var group = app.MapGroup("/v1/messages").WithTags("Messages");
        group.MapPost("/", CreateMessageAsync)
            .WithName("CreateMessage")
            .WithSummary("Creates a deterministic message in Anthropic's format, as JSON or as Anthropic's server-sent events.");

        return group;
    }

    private static async Task<IResult> CreateMessageAsync(
        HttpContext context,
        ModelCatalog catalog,
        ReplyGenerator generator,
        TokenCounter tokenCounter,
        EmulatedLatency latency,
        FaultInjector faults,
        TimeProvider timeProvider,
        IOptions<ProviderEmulatorOptions> options,
        CancellationToken cancellationToken)
    {
        if (CheckKey(context.Request, options.Value.ApiKey) is { } keyProblem)
        {
            return Error(StatusCodes.Status401Unauthorized, "authentication_error", keyProblem);
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (JsonException exception)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request_error", $"The request body is not valid JSON: {exception.Message}");
        }

        if (TryCreatePlan(body, catalog, out var plan) is { } problem)
        {
            return problem;
        }

        if (!faults.TryDecide(context.Request, plan!.Model, plan.Messages, out var decision, out var faultError))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request_error", faultError!);
        }

        if (decision is { FailsThisAttempt: true, Fault: var fault })
        {
            if (fault.Hang)
            {
                await ChatCompletionEndpointsFaults.HangAsync(timeProvider, cancellationToken);
                return Results.Empty;
            }

            if (fault.StatusCode is { } status)
            {
                ChatCompletionEndpointsFaults.SetRetryAfter(context.Response, fault);
                return Error(status, status == StatusCodes.Status429TooManyRequests ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error", $"Emulated fault with status {status}.");
            }

            if (fault.ErrorInBody && !plan.Stream)
            {
                return TypedResults.Json(ErrorBody("api_error", "Emulated error inside a successful response."));
            }
        }

        var reply = generator.Generate(plan, 0);
        var inputTokens = tokenCounter.CountChat(plan.Model, plan.Messages) + plan.MediaTokens;
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var stopReason = reply.FinishReason == ReplyGenerator.FinishReasonLength ? "max_tokens" : "end_turn";
        var omitUsage = decision?.Fault.OmitUsage == true;

        if (!plan.Stream)
        {
            await latency.WaitForCompletionAsync(reply.CompletionTokens, cancellationToken);
            var message = new JsonObject
            {
                ["id"] = id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = plan.Model,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = reply.Text }),
                ["stop_reason"] = stopReason,
                ["stop_sequence"] = null,
            };
            if (!omitUsage)
            {
                message["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = reply.CompletionTokens };
            }

            return TypedResults.Json(message);
        }

        var pieces = tokenCounter.SplitText(plan.Model, reply.Text);
        var events = decision is { FailsThisAttempt: true, Fault.ErrorInBody: true }
            ? ErrorEvent()
            : StreamAsync(id, plan.Model, pieces, inputTokens, reply.CompletionTokens, stopReason, omitUsage, latency, cancellationToken);
        return new EmulatedEventStream(events, decision?.Fault ?? new EmulatedFault(), decision?.FailsThisAttempt ?? false, timeProvider);
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        string id, string model, IReadOnlyList<string> pieces, int inputTokens, int outputTokens, string stopReason, bool omitUsage,
        EmulatedLatency latency, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await latency.WaitForFirstTokenAsync(cancellationToken);
        var usage = omitUsage ? null : new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = 1 };
        yield return Event("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = id, ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = new JsonArray(),
                ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = usage,
            },
        });
        yield return Event("content_block_start", new JsonObject
        {
            ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty },
        });
        yield return Event("ping", new JsonObject { ["type"] = "ping" });
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i > 0)
            {
                await latency.WaitForNextTokenAsync(cancellationToken);
            }

            yield return Event("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = pieces[i] },
            });
        }

        yield return Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        var delta = new JsonObject { ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null } };
        if (!omitUsage)
        {
            delta["usage"] = new JsonObject { ["output_tokens"] = outputTokens };
        }

        yield return Event("message_delta", delta);
        yield return Event("message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    private static async IAsyncEnumerable<SseItem<string>> ErrorEvent()
    {
        await Task.CompletedTask;
        yield return Event("error", ErrorBody("api_error", "Emulated error inside a successful stream."));
    }

    private static SseItem<string> Event(string type, JsonObject data) => new(Serialize(data), type);

    private static string Serialize(JsonNode node) => node.ToJsonString(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    });

    private static IResult? TryCreatePlan(JsonObject? body, ModelCatalog catalog, out ChatCompletionPlan? plan)
    {
        plan = null;
        if (body is null)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request_error", "The request body must be a JSON object with model, max_tokens and messages.");
        }

        if (Text(body["model"]) is not { Length: > 0 } model)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request_error", "model: Field required. Set it to a model id such as claude-sonnet-4-5.");
        }

        if (!catalog.Contains(model))
        {
            return Error(StatusCodes.Status404NotFound, "not_found_error", $"model: {model} is not served by this emulator. Use one of {string.Join(", ", catalog.Models)}, or add it to {ProviderEmulatorOptions.SectionName}:Models.");
        }

        if (body["max_tokens"] is not JsonValue maxTokensValue || !maxTokensValue.TryGetValue(out int maxTokens) || maxTokens < 1)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request_error", "max_tokens: Field required and must be a whole number of 1 or more.");
        }

        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request_error", "messages: Field required and must be a non-empty array.");
        }

        var texts = new List<ChatText>();
        var mediaTokens = 0;
        if (ReadText(body["system"]) is { Length: > 0 } system)
        {
            texts.Add(new ChatText("system", system));
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || Text(message["role"]) is not ("user" or "assistant"))
            {
                return Error(StatusCodes.Status400BadRequest, "invalid_request_error", $"messages.{i}.role: Input should be 'user' or 'assistant'.");
            }

            texts.Add(new ChatText(Text(message["role"])!, ReadText(message["content"])));
            if (TryCountMedia(message, i, out var tokens) is { } mediaError)
            {
                return Error(StatusCodes.Status400BadRequest, "invalid_request_error", mediaError);
            }

            mediaTokens += tokens;
        }

        var stops = (body["stop_sequences"] as JsonArray ?? []).Select(Text).OfType<string>().Where(stop => stop.Length > 0).ToList();
        var stream = body["stream"]?.GetValueKind() == JsonValueKind.True;
        plan = new ChatCompletionPlan(model, texts, 1, maxTokens, stops, stream, IncludeUsage: true, mediaTokens);
        return null;
    }

    /// <summary>Validates a message's image and document blocks and counts their tokens as Anthropic does; returns the error message, or null.</summary>
    private static string? TryCountMedia(JsonObject message, int index, out int tokens)
    {
        tokens = 0;
        if (message["content"] is not JsonArray blocks)
        {
            return null;
        }

        for (var j = 0; j < blocks.Count; j++)
        {
            var type = Text(blocks[j]?["type"]);
            if (type is not ("image" or "document"))
            {
                continue;
            }

            var path = $"messages.{index}.content.{j}";
            if (Text(message["role"]) != "user")
            {
                return $"{path}: {type} blocks are only allowed in user messages.";
            }

            if (blocks[j]!["source"] is not JsonObject source)
            {
                return $"{path}.source: Field required.";
            }

            var sourceType = Text(source["type"]);
            var mediaType = Text(source["media_type"]);
            byte[] bytes;
            switch (type, sourceType)
            {
                case ("image", "base64"):
                    if (mediaType is null || !MediaTokens.ImageMediaTypes.Contains(mediaType))
                    {
                        return $"{path}.source.media_type: Input should be {string.Join(", ", MediaTokens.ImageMediaTypes.Select(media => $"'{media}'"))}.";
                    }

                    if (!MediaTokens.TryDecodeBase64(Text(source["data"]), out bytes))
                    {
                        return $"{path}.source.data: The image data is not valid base64.";
                    }

                    tokens += EmulatedMediaTokens.AnthropicImage(MediaTokens.ReadImageSize(bytes));
                    break;

                case ("image", "url"):
                    if (!MediaTokens.IsHttpUrl(Text(source["url"])))
                    {
                        return $"{path}.source.url: Input should be an http(s) URL.";
                    }

                    tokens += EmulatedMediaTokens.AnthropicImage(null);
                    break;

                case ("document", "base64"):
                    if (mediaType != MediaTokens.PdfMediaType)
                    {
                        return $"{path}.source.media_type: Input should be '{MediaTokens.PdfMediaType}'.";
                    }

                    if (!MediaTokens.TryDecodeBase64(Text(source["data"]), out bytes))
                    {
                        return $"{path}.source.data: The PDF data is not valid base64.";
                    }

                    tokens += EmulatedMediaTokens.AnthropicPdf(bytes);
                    break;

                case ("document", "url"):
                    if (!MediaTokens.IsHttpUrl(Text(source["url"])))
                    {
                        return $"{path}.source.url: Input should be an http(s) URL.";
                    }

                    tokens += EmulatedMediaTokens.AnthropicPdf([]);
                    break;

                case ("document", "text" or "content"):
                    // The text is counted with the message's other text.
                    break;

                default:
                    return $"{path}.source.type: Input should be 'base64' or 'url'{(type == "document" ? ", 'text' or 'content'" : string.Empty)}.";
            }
        }

        return null;
    }

    private static string? CheckKey(HttpRequest request, string? expected)
    {
        var authorization = request.Headers.Authorization.ToString();
        var presented = request.Headers["x-api-key"].ToString();
        if (presented.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (presented.Length == 0)
        {
            return "No API key was provided. Send it in the x-api-key header or as 'Authorization: Bearer <key>'.";
        }

        if (string.IsNullOrEmpty(expected) || CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            return null;
        }

        return $"invalid x-api-key. Use the key set in {ProviderEmulatorOptions.SectionName}:ApiKey.";
    }

    private static IResult Error(int status, string type, string message) => TypedResults.Json(ErrorBody(type, message), statusCode: status);

    private static JsonObject ErrorBody(string type, string message) =>
        new() { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } };

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string? ReadText(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray blocks => string.Concat(blocks.OfType<JsonObject>().Select(block => Text(block["type"]) switch
        {
            "text" => Text(block["text"]),
            "tool_result" => ReadText(block["content"]),
            "tool_use" => block["input"]?.ToJsonString(),
            "document" when Text(block["source"]?["type"]) == "text" => Text(block["source"]?["data"]),
            "document" when Text(block["source"]?["type"]) == "content" => ReadText(block["source"]?["content"]),
            _ => null,
        })),
        _ => null,
    };
}
