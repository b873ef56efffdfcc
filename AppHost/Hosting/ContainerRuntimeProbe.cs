using System.Diagnostics;
using System.ComponentModel;

namespace AspireAi.AppHost.Hosting;

/// <summary>Checks whether the container engine is running, before the model is built.</summary>
public static class ContainerRuntimeProbe
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <c>docker info</c> (or <c>podman info</c> when ASPIRE_CONTAINER_RUNTIME says podman) and
    /// returns whether it succeeded. A missing client or a stopped engine both return false.
    /// </summary>
    /// <returns>True when containers can run.</returns>
    public static bool IsAvailable()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME");
        var command = string.Equals(runtime, "podman", StringComparison.OrdinalIgnoreCase) ? "podman" : "docker";

        var startInfo = new ProcessStartInfo(command, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using var process = Process.Start(startInfo);
            if (process is null)
            {
                return false;
            }

            // Drain the output so a chatty engine cannot block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            // The client binary is not installed.
            return false;
        }
    }
}
