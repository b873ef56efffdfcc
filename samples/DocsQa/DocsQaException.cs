namespace AspireAi.Samples.DocsQa;

/// <summary>An expected failure of a run, such as an unreachable gateway; the message states what failed and what to do.</summary>
public sealed class DocsQaException : Exception
{
    /// <summary>Whether the same request may succeed later: a timeout, or HTTP 500, 502, 503 or 504.</summary>
    public bool IsTransient { get; init; }

    public DocsQaException()
    {
    }

    public DocsQaException(string message)
        : base(message)
    {
    }

    public DocsQaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
