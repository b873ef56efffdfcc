using System.Globalization;

namespace AspireAi.Benchmarks.Load;

/// <summary>A process's resident memory, read from Linux's <c>/proc/PID/status</c>.</summary>
/// <param name="Role">What the process is in the benchmark, such as gateway or portkey.</param>
/// <param name="Pid">The process id.</param>
/// <param name="Name">The file name of the process's executable, or its 15-character <c>/proc/PID/comm</c> name when the executable cannot be read.</param>
/// <param name="PeakResidentMb">VmHWM: the highest resident set size since the process started, in MB (10^6 bytes).</param>
/// <param name="ResidentMb">VmRSS: the resident set size when read, in MB (10^6 bytes).</param>
internal sealed record ProcessMemory(string Role, int Pid, string Name, double PeakResidentMb, double ResidentMb)
{
    /// <summary>Reads the memory of <paramref name="pid"/>, or returns null when the process or /proc is not there.</summary>
    public static ProcessMemory? TryRead(string role, int pid)
    {
        var statusPath = $"/proc/{pid}/status";
        if (!File.Exists(statusPath))
        {
            return null;
        }

        double? peak = null;
        double? resident = null;
        foreach (var line in File.ReadLines(statusPath))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = ParseKibibytes(line) * 1024d / 1_000_000d;
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = ParseKibibytes(line) * 1024d / 1_000_000d;
            }
        }

        var executable = new FileInfo($"/proc/{pid}/exe").LinkTarget;
        var name = executable is null ? File.ReadAllText($"/proc/{pid}/comm").Trim() : Path.GetFileName(executable);
        return peak is null || resident is null ? null : new ProcessMemory(role, pid, name, peak.Value, resident.Value);
    }

    // A status line reads like "VmHWM:    123456 kB", where kB means KiB.
    private static long ParseKibibytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.None, CultureInfo.InvariantCulture);
}
