namespace AspireAi.Ingest;

/// <summary>A problem that stops the whole run, with a message that states what to do about it.</summary>
internal sealed class IngestException(string message) : Exception(message);
