namespace AspireAi.AppHost.Hosting;

/// <summary>A program or setting the chosen mode needs is missing; the message says how to install or set it.</summary>
/// <param name="message">What is missing and how to get it.</param>
public sealed class PrerequisiteMissingException(string message) : Exception(message);
