using System.Globalization;

namespace AspireAi.Benchmarks.Load;

/// <summary>The command line of the load benchmark.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        Usage: AspireAi.Benchmarks.Load --out-dir DIR --gateway-url URL --api-key KEY
                                        --emulator-url URL --emulator-key KEY [options]

        Measures the gateway's overhead against the provider emulator with wrk, and streaming time to first
        token with its own client. Writes DIR/load.json and DIR/load.md.

          --out-dir DIR               folder for the results; created when missing
          --gateway-url URL           the gateway as users reach it, for example http://127.0.0.1:5080
          --gateway-process-url URL   the gateway process's own listener, behind Aspire's development proxy;
                                      adds rows measured without that proxy
          --api-key KEY               an AspireAi API key whose tenant has no hard budget and high rate limits
          --emulator-url URL          the emulator's OpenAI base URL that the gateway calls, ending in /v1
          --emulator-key KEY          the emulator's bearer key
          --portkey-url URL           Portkey's gateway, for example http://127.0.0.1:8787; no Portkey rows when absent
          --gateway-pid PID           a gateway process whose peak resident memory is reported; repeat for replicas
          --portkey-pid PID           Portkey's node process, for its peak resident memory
          --duration SECONDS          measured time of each load run (default 10, 3 with --quick)
          --warmup SECONDS            unmeasured time before each load run (default 3, 1 with --quick)
          --connections LIST          connection counts, comma-separated (default 1,32)
          --model NAME                the model of every request (default gpt-4o-mini)
          --wrk PATH                  the wrk program (default wrk, looked up on PATH)
          --quick                     shorter runs, for a smoke test
        """;

    public required string OutDir { get; init; }

    public required Uri GatewayUrl { get; init; }

    public Uri? GatewayProcessUrl { get; init; }

    public required string ApiKey { get; init; }

    public required Uri EmulatorUrl { get; init; }

    public required string EmulatorKey { get; init; }

    public Uri? PortkeyUrl { get; init; }

    public IReadOnlyList<int> GatewayPids { get; init; } = [];

    public int? PortkeyPid { get; init; }

    public TimeSpan Duration { get; init; }

    public TimeSpan Warmup { get; init; }

    public IReadOnlyList<int> Connections { get; init; } = [1, 32];

    public string Model { get; init; } = "gpt-4o-mini";

    public string WrkPath { get; init; } = "wrk";

    public bool Quick { get; init; }

    /// <summary>Parses <paramref name="args"/>, or returns null and adds to <paramref name="errors"/> when an option is missing or invalid.</summary>
    public static LoadOptions? Parse(string[] args, List<string> errors)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var gatewayPids = new List<int>();
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--quick")
            {
                quick = true;
                continue;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                errors.Add($"Unknown or incomplete option '{name}'.");
                continue;
            }

            var value = args[++i];
            if (name == "--gateway-pid")
            {
                gatewayPids.Add(ParsePid(name, value, errors));
                continue;
            }

            values[name] = value;
        }

        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "--out-dir", "--gateway-url", "--gateway-process-url", "--api-key", "--emulator-url", "--emulator-key",
            "--portkey-url", "--portkey-pid", "--duration", "--warmup", "--connections", "--model", "--wrk",
        };
        foreach (var name in values.Keys.Where(name => !known.Contains(name)))
        {
            errors.Add($"Unknown option '{name}'.");
        }

        var outDir = Required(values, "--out-dir", errors);
        var gatewayUrl = RequiredUrl(values, "--gateway-url", errors);
        var apiKey = Required(values, "--api-key", errors);
        var emulatorUrl = RequiredUrl(values, "--emulator-url", errors);
        var emulatorKey = Required(values, "--emulator-key", errors);
        var gatewayProcessUrl = OptionalUrl(values, "--gateway-process-url", errors);
        var portkeyUrl = OptionalUrl(values, "--portkey-url", errors);
        int? portkeyPid = values.TryGetValue("--portkey-pid", out var portkeyPidText) ? ParsePid("--portkey-pid", portkeyPidText, errors) : null;
        var duration = Seconds(values, "--duration", quick ? 3 : 10, errors);
        var warmup = Seconds(values, "--warmup", quick ? 1 : 3, errors);
        var connections = ParseConnections(values.GetValueOrDefault("--connections", "1,32"), errors);

        if (errors.Count > 0)
        {
            return null;
        }

        return new LoadOptions
        {
            OutDir = outDir!,
            GatewayUrl = gatewayUrl!,
            GatewayProcessUrl = gatewayProcessUrl,
            ApiKey = apiKey!,
            EmulatorUrl = emulatorUrl!,
            EmulatorKey = emulatorKey!,
            PortkeyUrl = portkeyUrl,
            GatewayPids = gatewayPids,
            PortkeyPid = portkeyPid,
            Duration = duration,
            Warmup = warmup,
            Connections = connections,
            Model = values.GetValueOrDefault("--model", "gpt-4o-mini"),
            WrkPath = values.GetValueOrDefault("--wrk", "wrk"),
            Quick = quick,
        };
    }

    private static string? Required(Dictionary<string, string> values, string name, List<string> errors)
    {
        if (values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        errors.Add($"Missing {name}.");
        return null;
    }

    private static Uri? RequiredUrl(Dictionary<string, string> values, string name, List<string> errors)
    {
        var text = Required(values, name, errors);
        return text is null ? null : ParseUrl(name, text, errors);
    }

    private static Uri? OptionalUrl(Dictionary<string, string> values, string name, List<string> errors) =>
        values.TryGetValue(name, out var text) ? ParseUrl(name, text, errors) : null;

    private static Uri? ParseUrl(string name, string text, List<string> errors)
    {
        if (Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp)
        {
            return url;
        }

        errors.Add($"{name} is '{text}'; use an absolute http URL such as http://127.0.0.1:5080.");
        return null;
    }

    private static int ParsePid(string name, string text, List<string> errors)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
        {
            return pid;
        }

        errors.Add($"{name} is '{text}'; use a process id, a positive whole number.");
        return 0;
    }

    private static TimeSpan Seconds(Dictionary<string, string> values, string name, double defaultSeconds, List<string> errors)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return TimeSpan.FromSeconds(defaultSeconds);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 600)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        errors.Add($"{name} is '{text}'; use a number of seconds from 1 to 600.");
        return TimeSpan.Zero;
    }

    private static List<int> ParseConnections(string text, List<string> errors)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 1024)
            {
                counts.Add(count);
            }
            else
            {
                errors.Add($"--connections contains '{part}'; use connection counts from 1 to 1024, such as 1,32.");
            }
        }

        if (counts.Count == 0)
        {
            errors.Add("--connections is empty; use connection counts such as 1,32.");
        }

        return counts;
    }
}
