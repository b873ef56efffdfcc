using System.Globalization;
using System.Text;
using System.Text.Json;
using AspireAi.ProviderEmulator.Models;
using AspireAi.ProviderEmulator.OpenAi;
using AspireAi.Tokenization;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>A chat completion request that passed validation, reduced to what the emulator acts on.</summary>
/// <param name="Model">The model id, one the emulator serves.</param>
/// <param name="Messages">The messages with their content flattened to text.</param>
/// <param name="ChoiceCount">The number of choices to generate, 1 to 8.</param>
/// <param name="MaxTokens">The limit on completion tokens per choice, if any.</param>
/// <param name="StopSequences">The stop sequences, possibly none.</param>
/// <param name="Stream">Whether to respond with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk.</param>
internal sealed record ChatCompletionPlan(
    string Model,
    IReadOnlyList<ChatText> Messages,
    int ChoiceCount,
    int? MaxTokens,
    IReadOnlyList<string> StopSequences,
    bool Stream,
    bool IncludeUsage);

/// <summary>Checks a chat completion request field by field and names the first invalid one, as OpenAI does.</summary>
internal static class ChatRequestValidator
{
    public const int MaxChoices = 8;
    public const int MaxStopSequences = 4;

    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal)
    {
        "system", "developer", "user", "assistant", "tool", "function",
    };

    public static OpenAiProblem? TryCreatePlan(ChatCompletionRequest request, ModelCatalog catalog, out ChatCompletionPlan? plan)
    {
        plan = null;

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return OpenAiProblem.InvalidRequest("The 'model' field is missing. Set it to a model id such as gpt-4o-mini.", "model");
        }

        if (!catalog.Contains(request.Model))
        {
            return OpenAiProblem.ModelNotFound(request.Model, catalog.Models);
        }

        if (request.Messages is null || request.Messages.Count == 0)
        {
            return OpenAiProblem.InvalidRequest("The 'messages' field is missing or empty. Send at least one message, for example {\"role\":\"user\",\"content\":\"Hello\"}.", "messages");
        }

        var messages = new List<ChatText>(request.Messages.Count);
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var problem = TryReadMessage(request.Messages[i], i, out var message);
            if (problem is not null)
            {
                return problem;
            }

            messages.Add(message);
        }

        var settingsProblem = CheckSamplingSettings(request);
        if (settingsProblem is not null)
        {
            return settingsProblem;
        }

        var limitProblem = TryReadMaxTokens(request, out var maxTokens);
        if (limitProblem is not null)
        {
            return limitProblem;
        }

        var stopProblem = TryReadStop(request.Stop, out var stopSequences);
        if (stopProblem is not null)
        {
            return stopProblem;
        }

        var stream = request.Stream ?? false;
        if (request.StreamOptions is not null && !stream)
        {
            return OpenAiProblem.InvalidRequest("The 'stream_options' field is only allowed when 'stream' is true. Remove it or set 'stream' to true.", "stream_options");
        }

        plan = new ChatCompletionPlan(
            request.Model,
            messages,
            request.N ?? 1,
            maxTokens,
            stopSequences,
            stream,
            request.StreamOptions?.IncludeUsage ?? false);
        return null;
    }

    private static OpenAiProblem? TryReadMessage(ChatCompletionRequestMessage? message, int index, out ChatText text)
    {
        text = default;
        var param = $"messages[{index}]";

        if (message is null)
        {
            return OpenAiProblem.InvalidRequest($"'{param}' is null. Each message must be an object with 'role' and 'content'.", param);
        }

        if (message.Role is null || !Roles.Contains(message.Role))
        {
            var found = message.Role is null ? "missing" : $"'{message.Role}', which is not a valid role";
            return OpenAiProblem.InvalidRequest(
                $"'{param}.role' is {found}. Use one of: {string.Join(", ", Roles)}.",
                $"{param}.role");
        }

        var contentProblem = TryReadContent(message.Content, message.Role, $"{param}.content", out var content);
        if (contentProblem is not null)
        {
            return contentProblem;
        }

        text = new ChatText(message.Role, content, message.Name);
        return null;
    }

    private static OpenAiProblem? TryReadContent(JsonElement content, string role, string param, out string? text)
    {
        text = null;
        switch (content.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                // An assistant message that only carries tool calls has no content.
                return role == "assistant"
                    ? null
                    : OpenAiProblem.InvalidRequest($"'{param}' is missing. A {role} message needs content as a string or an array of text parts.", param);

            case JsonValueKind.String:
                text = content.GetString();
                return null;

            case JsonValueKind.Array:
                return TryReadContentParts(content, param, out text);

            default:
                return OpenAiProblem.InvalidRequest($"'{param}' is a JSON {content.ValueKind}. Send a string or an array of text parts.", param);
        }
    }

    private static OpenAiProblem? TryReadContentParts(JsonElement parts, string param, out string? text)
    {
        text = null;
        if (parts.GetArrayLength() == 0)
        {
            return OpenAiProblem.InvalidRequest($"'{param}' is an empty array. Send at least one part such as {{\"type\":\"text\",\"text\":\"Hello\"}}.", param);
        }

        var builder = new StringBuilder();
        var index = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var partParam = $"{param}[{index}]";
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type)
                || type.ValueKind != JsonValueKind.String)
            {
                return OpenAiProblem.InvalidRequest($"'{partParam}' must be an object with a 'type' field, such as {{\"type\":\"text\",\"text\":\"Hello\"}}.", partParam);
            }

            if (type.GetString() != "text")
            {
                return OpenAiProblem.InvalidRequest(
                    $"'{partParam}.type' is '{type.GetString()}'; the emulator supports only 'text' parts. Send images, audio and files to a real provider.",
                    $"{partParam}.type");
            }

            if (!part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
            {
                return OpenAiProblem.InvalidRequest($"'{partParam}.text' is missing or not a string.", $"{partParam}.text");
            }

            builder.Append(partText.GetString());
            index++;
        }

        text = builder.ToString();
        return null;
    }

    private static OpenAiProblem? CheckSamplingSettings(ChatCompletionRequest request)
    {
        if (request.N is < 1 or > MaxChoices)
        {
            return OpenAiProblem.InvalidRequest($"'n' is {request.N}; the emulator generates between 1 and {MaxChoices} choices.", "n");
        }

        if (request.Temperature is { } temperature && (!double.IsFinite(temperature) || temperature is < 0 or > 2))
        {
            return OpenAiProblem.InvalidRequest(
                $"'temperature' is {temperature.ToString(CultureInfo.InvariantCulture)}; it must be between 0 and 2.", "temperature");
        }

        if (request.TopP is { } topP && (!double.IsFinite(topP) || topP is < 0 or > 1))
        {
            return OpenAiProblem.InvalidRequest(
                $"'top_p' is {topP.ToString(CultureInfo.InvariantCulture)}; it must be between 0 and 1.", "top_p");
        }

        return null;
    }

    private static OpenAiProblem? TryReadMaxTokens(ChatCompletionRequest request, out int? maxTokens)
    {
        maxTokens = null;
        if (request.MaxTokens is not null && request.MaxCompletionTokens is not null)
        {
            return OpenAiProblem.InvalidRequest("Set either 'max_tokens' or 'max_completion_tokens', not both.", "max_tokens");
        }

        var (value, param) = request.MaxCompletionTokens is { } completionLimit
            ? (completionLimit, "max_completion_tokens")
            : (request.MaxTokens, "max_tokens");
        if (value is < 1)
        {
            return OpenAiProblem.InvalidRequest($"'{param}' is {value}; it must be 1 or more.", param);
        }

        maxTokens = value;
        return null;
    }

    private static OpenAiProblem? TryReadStop(JsonElement stop, out IReadOnlyList<string> stopSequences)
    {
        stopSequences = [];
        switch (stop.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;

            case JsonValueKind.String:
                return TryAddStopSequence(stop, "stop", out stopSequences);

            case JsonValueKind.Array:
                if (stop.GetArrayLength() > MaxStopSequences)
                {
                    return OpenAiProblem.InvalidRequest($"'stop' has {stop.GetArrayLength()} sequences; send at most {MaxStopSequences}.", "stop");
                }

                var sequences = new List<string>();
                var index = 0;
                foreach (var item in stop.EnumerateArray())
                {
                    var problem = TryAddStopSequence(item, $"stop[{index}]", out var sequence);
                    if (problem is not null)
                    {
                        return problem;
                    }

                    sequences.AddRange(sequence);
                    index++;
                }

                stopSequences = sequences;
                return null;

            default:
                return OpenAiProblem.InvalidRequest($"'stop' is a JSON {stop.ValueKind}. Send a string or an array of up to {MaxStopSequences} strings.", "stop");
        }
    }

    private static OpenAiProblem? TryAddStopSequence(JsonElement item, string param, out IReadOnlyList<string> sequences)
    {
        sequences = [];
        if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
        {
            return OpenAiProblem.InvalidRequest($"'{param}' must be a non-empty string.", param);
        }

        sequences = [item.GetString()!];
        return null;
    }
}
