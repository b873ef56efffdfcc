using System.Globalization;

namespace AspireAi.Benchmarks.VectorIndex;

/// <summary>The command line of the benchmark.</summary>
internal sealed record BenchmarkArguments(
    string OutputDirectory,
    bool Quick,
    IReadOnlyList<int> Sizes,
    int QueryCount,
    int Connectivity,
    int ExpansionAdd,
    int ExpansionSearch,
    IReadOnlyList<Distribution> Distributions,
    int HnswIngestMaxSize,
    bool ShowHelp)
{
    public const int Dimensions = 384;
    public const int Limit = 10;

    public const string Usage = """
        Usage: AspireAi.Benchmarks.VectorIndex --out-dir DIR [options]
          --out-dir DIR           folder for vector-index.json and vector-index.md (created if missing)
          --quick                 collection sizes 10,000 and 100,000 only (about 15 minutes on 2 cores)
          --sizes N,N,...         collection sizes in vectors (default 10000,100000,1000000)
          --queries N             queries per scenario for latency and recall, at least 200 (default 200)
          --connectivity N        HNSW connectivity M (default 16)
          --expansion-add N       HNSW candidate list length while inserting (default 128)
          --expansion-search N    HNSW candidate list length while searching (default 128)
          --data uniform|clustered
                                  measure one distribution only (default both)
          --hnsw-ingest-max N     measure ingest with HNSW inserts only up to N vectors, because on
                                  2 cores it costs as long as the graph build (default no limit)
        """;

    private static readonly int[] FullSizes = [10_000, 100_000, 1_000_000];
    private static readonly int[] QuickSizes = [10_000, 100_000];

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has an invalid one.</exception>
    public static BenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        string? outputDirectory = null;
        var quick = false;
        IReadOnlyList<int>? sizes = null;
        var queryCount = 200;
        var connectivity = 16;
        var expansionAdd = 128;
        var expansionSearch = 128;
        IReadOnlyList<Distribution> distributions = Enum.GetValues<Distribution>();
        var hnswIngestMaxSize = int.MaxValue;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    return new BenchmarkArguments("", false, [], 0, 0, 0, 0, [], 0, ShowHelp: true);
                case "--quick":
                    quick = true;
                    break;
                case "--out-dir":
                    outputDirectory = Value(args, ref i);
                    break;
                case "--sizes":
                    sizes = Value(args, ref i).Split(',').Select(size => Number("--sizes", size, minimum: 100)).ToArray();
                    break;
                case "--queries":
                    queryCount = Number(args[i], Value(args, ref i), minimum: 200);
                    break;
                case "--connectivity":
                    connectivity = Number(args[i], Value(args, ref i), minimum: 2);
                    break;
                case "--expansion-add":
                    expansionAdd = Number(args[i], Value(args, ref i), minimum: 1);
                    break;
                case "--expansion-search":
                    expansionSearch = Number(args[i], Value(args, ref i), minimum: Limit);
                    break;
                case "--data":
                    var data = Value(args, ref i);
                    distributions = Enum.TryParse<Distribution>(data, ignoreCase: true, out var distribution) && Enum.IsDefined(distribution)
                        ? [distribution]
                        : throw new ArgumentException($"The value '{data}' of --data is invalid: it must be uniform or clustered.");
                    break;
                case "--hnsw-ingest-max":
                    hnswIngestMaxSize = Number(args[i], Value(args, ref i), minimum: 0);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(outputDirectory))
        {
            throw new ArgumentException("The option --out-dir is required.");
        }

        return new BenchmarkArguments(
            Path.GetFullPath(outputDirectory),
            quick,
            sizes ?? (quick ? QuickSizes : FullSizes),
            queryCount,
            connectivity,
            expansionAdd,
            expansionSearch,
            distributions,
            hnswIngestMaxSize,
            ShowHelp: false);
    }

    private static string Value(IReadOnlyList<string> args, ref int index)
    {
        if (index + 1 >= args.Count)
        {
            throw new ArgumentException($"The option {args[index]} needs a value.");
        }

        index++;
        return args[index];
    }

    private static int Number(string option, string text, int minimum)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The value '{text}' of {option} is invalid: it must be a whole number of at least {minimum}."));
        }

        return value;
    }
}
