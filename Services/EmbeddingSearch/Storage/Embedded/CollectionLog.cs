using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Storage.Embedded;

/// <summary>A record of a collection log.</summary>
internal abstract record LogRecord;

/// <summary>The first record of every log: what the collection is.</summary>
internal sealed record HeaderRecord(string Name, int Dimensions, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, MetadataFieldType> IndexedMetadata) : LogRecord;

/// <summary>A batch of documents inserted or replaced together.</summary>
internal sealed record UpsertRecord(IReadOnlyList<VectorDocument> Documents) : LogRecord;

/// <summary>The deletion of one document.</summary>
internal sealed record DeleteRecord(string DocumentId) : LogRecord;

/// <summary>
/// The append-only log of one collection. Each record is framed as a little-endian uint32 payload
/// length, a CRC-32C of the payload, then the payload, whose first byte is the record type. Every
/// append is flushed to disk (fsync) before it returns, so an acknowledged write survives a crash.
/// </summary>
/// <remarks>
/// Format version 1 wrote single-chunk upserts (type 2) and no indexed metadata in the header.
/// Version 2 adds the indexed metadata fields to the header and writes chunked upserts (type 4).
/// Both versions are read; new logs are written as version 2.
/// </remarks>
internal sealed class CollectionLog : IDisposable
{
    private const int FrameHeaderSize = 8;
    private const int MaxPayloadBytes = 256 * 1024 * 1024;
    private const int FirstFormatVersion = 1;
    private const int FormatVersion = 2;
    private const byte HeaderType = 1;
    private const byte SingleChunkUpsertType = 2;
    private const byte DeleteType = 3;
    private const byte UpsertType = 4;

    private readonly FileStream _stream;
    private bool _faulted;

    private CollectionLog(string path, FileStream stream)
    {
        FilePath = path;
        _stream = stream;
    }

    /// <summary>The path of the log file.</summary>
    public string FilePath { get; }

    /// <summary>Creates a new log that starts with <paramref name="header"/>, flushed to disk.</summary>
    /// <exception cref="IOException">The file already exists or cannot be written.</exception>
    public static CollectionLog Create(string path, HeaderRecord header)
    {
        // NOTE: the directory entry of the new file is not fsynced (.NET has no API for it), so a
        // crash right after creation can lose a collection that was just acknowledged, while it is still empty.
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        var log = new CollectionLog(path, stream);
        try
        {
            log.Append(Serialize(header));
        }
        catch (IOException)
        {
            log.Dispose();
            File.Delete(path);
            throw;
        }

        return log;
    }

    /// <summary>
    /// Opens a log and passes its records to <paramref name="onRecord"/> in order, header first. An
    /// incomplete last record, left by a crash during an append that was never acknowledged, is cut
    /// off the file. A log without a complete header is deleted.
    /// </summary>
    /// <returns>The log, positioned for appends, or <see langword="null"/> when it had no complete header.</returns>
    /// <exception cref="InvalidDataException">A record before the last one is damaged.</exception>
    public static CollectionLog? Open(string path, ILogger logger, Action<LogRecord> onRecord)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            var length = stream.Length;
            long offset = 0;
            var frame = new byte[FrameHeaderSize];
            while (offset < length)
            {
                var payload = ReadRecordPayload(stream, path, offset, length, frame);
                if (payload is null)
                {
                    break;
                }

                var record = Deserialize(payload, path, offset);
                if ((offset == 0) != (record is HeaderRecord))
                {
                    throw new InvalidDataException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The collection log {path} is damaged: offset {offset} holds a {record.GetType().Name} where the file must have exactly one header, at its start."));
                }

                onRecord(record);
                offset += FrameHeaderSize + payload.Length;
            }

            if (offset == 0)
            {
                stream.Dispose();
                File.Delete(path);
                logger.IncompleteLogDeleted(path);
                return null;
            }

            if (offset < length)
            {
                stream.SetLength(offset);
                stream.Flush(flushToDisk: true);
                logger.TornRecordDropped(length - offset, offset, path);
            }

            stream.Position = offset;
            return new CollectionLog(path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends a batch of documents and flushes it to disk.</summary>
    public void AppendUpsert(IReadOnlyList<VectorDocument> documents) => Append(Serialize(new UpsertRecord(documents)));

    /// <summary>Appends the deletion of a document and flushes it to disk.</summary>
    public void AppendDelete(string documentId) => Append(Serialize(new DeleteRecord(documentId)));

    /// <summary>Closes the log and deletes its file.</summary>
    public void Delete()
    {
        _stream.Dispose();
        File.Delete(FilePath);
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>Computes the CRC-32C (Castagnoli) checksum of <paramref name="data"/>.</summary>
    internal static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var value in data)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return ~crc;
    }

    private void Append(byte[] frame)
    {
        if (_faulted)
        {
            throw new IOException($"The collection log {FilePath} rejects writes after a failed write could not be rolled back. Restart the service to replay it.");
        }

        var position = _stream.Length;
        try
        {
            _stream.Position = position;
            _stream.Write(frame);
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // Cut the partial record off, so later appends do not land behind a damaged one.
            try
            {
                _stream.SetLength(position);
                _stream.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                _faulted = true;
            }

            throw;
        }
    }

    /// <summary>Reads the payload of the record at <paramref name="offset"/>, or returns null when it is the torn last record.</summary>
    private static byte[]? ReadRecordPayload(FileStream stream, string path, long offset, long length, byte[] frame)
    {
        if (length - offset < FrameHeaderSize)
        {
            return null;
        }

        stream.Position = offset;
        stream.ReadExactly(frame);
        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(sizeof(uint)));
        var recordEnd = offset + FrameHeaderSize + (long)payloadLength;
        if (payloadLength is 0 or > MaxPayloadBytes)
        {
            return IsTornTail(stream, offset, length) ? null : throw Damaged(path, offset, "its length field is invalid");
        }

        if (recordEnd > length)
        {
            return null;
        }

        var payload = new byte[payloadLength];
        stream.ReadExactly(payload);
        if (Crc32C(payload) == checksum)
        {
            return payload;
        }

        // A record whose checksum fails is torn only if nothing was written after it.
        return recordEnd == length || IsTornTail(stream, offset, length)
            ? null
            : throw Damaged(path, offset, "its checksum does not match");
    }

    /// <summary>Returns whether every byte from <paramref name="offset"/> to the end is zero, as a file system can leave after a crash.</summary>
    private static bool IsTornTail(FileStream stream, long offset, long length)
    {
        stream.Position = offset;
        var buffer = new byte[1 << 16];
        var remaining = length - offset;
        while (remaining > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0 || buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            remaining -= read;
        }

        return true;
    }

    private static InvalidDataException Damaged(string path, long offset, string reason) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"The collection log {path} is damaged at offset {offset}: {reason}, and more data follows, so it is not an interrupted last write. Restore the file from a backup or move it away to drop the collection."));

    private static byte[] Serialize(LogRecord record)
    {
        using var buffer = new MemoryStream();
        buffer.Write(new byte[FrameHeaderSize]);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            switch (record)
            {
                case HeaderRecord header:
                    writer.Write(HeaderType);
                    writer.Write(FormatVersion);
                    writer.Write(header.Name);
                    writer.Write(header.Dimensions);
                    writer.Write(header.CreatedAt.ToUnixTimeMilliseconds());
                    writer.Write(header.IndexedMetadata.Count);
                    foreach (var (key, type) in header.IndexedMetadata)
                    {
                        writer.Write(key);
                        writer.Write((byte)type);
                    }

                    break;

                case UpsertRecord upsert:
                    writer.Write(UpsertType);
                    writer.Write(upsert.Documents.Count);
                    foreach (var document in upsert.Documents)
                    {
                        writer.Write(document.Id);
                        writer.Write(JsonSerializer.Serialize(document.Metadata));
                        writer.Write(document.Chunks.Count);
                        foreach (var chunk in document.Chunks)
                        {
                            writer.Write(chunk.Text);
                            WriteVector(writer, chunk.Vector);
                        }
                    }

                    break;

                case DeleteRecord delete:
                    writer.Write(DeleteType);
                    writer.Write(delete.DocumentId);
                    break;

                default:
                    throw new ArgumentException($"Unknown log record type {record.GetType().Name}.", nameof(record));
            }
        }

        var frame = buffer.ToArray();
        var payload = frame.AsSpan(FrameHeaderSize);
        if (payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A log record of {payload.Length} bytes exceeds the maximum of {MaxPayloadBytes} bytes."),
                nameof(record));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(sizeof(uint)), Crc32C(payload));
        return frame;
    }

    private static LogRecord Deserialize(byte[] payload, string path, long offset)
    {
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var type = reader.ReadByte();
        try
        {
            switch (type)
            {
                case HeaderType:
                    var version = reader.ReadInt32();
                    if (version is not (FirstFormatVersion or FormatVersion))
                    {
                        throw Damaged(path, offset, string.Create(CultureInfo.InvariantCulture, $"its format version is {version}, but this build reads only versions {FirstFormatVersion} and {FormatVersion}"));
                    }

                    var name = reader.ReadString();
                    var dimensions = reader.ReadInt32();
                    var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
                    var indexed = new Dictionary<string, MetadataFieldType>(StringComparer.Ordinal);
                    if (version >= FormatVersion)
                    {
                        var fieldCount = reader.ReadInt32();
                        for (var i = 0; i < fieldCount; i++)
                        {
                            indexed[reader.ReadString()] = (MetadataFieldType)reader.ReadByte();
                        }
                    }

                    return new HeaderRecord(name, dimensions, createdAt, indexed);

                case SingleChunkUpsertType:
                    var count = reader.ReadInt32();
                    var documents = new List<VectorDocument>(count);
                    for (var i = 0; i < count; i++)
                    {
                        var id = reader.ReadString();
                        var text = reader.ReadString();
                        var metadata = ReadMetadata(reader);
                        documents.Add(new VectorDocument(id, text, metadata, ReadVector(reader)));
                    }

                    return new UpsertRecord(documents);

                case UpsertType:
                    var documentCount = reader.ReadInt32();
                    var chunkedDocuments = new List<VectorDocument>(documentCount);
                    for (var i = 0; i < documentCount; i++)
                    {
                        var id = reader.ReadString();
                        var metadata = ReadMetadata(reader);
                        var chunks = new DocumentChunk[reader.ReadInt32()];
                        for (var j = 0; j < chunks.Length; j++)
                        {
                            chunks[j] = new DocumentChunk(reader.ReadString(), ReadVector(reader));
                        }

                        chunkedDocuments.Add(new VectorDocument(id, metadata, chunks));
                    }

                    return new UpsertRecord(chunkedDocuments);

                case DeleteType:
                    return new DeleteRecord(reader.ReadString());

                default:
                    throw Damaged(path, offset, string.Create(CultureInfo.InvariantCulture, $"its record type {type} is unknown"));
            }
        }
        catch (Exception exception) when (exception is EndOfStreamException or JsonException or OverflowException)
        {
            throw new InvalidDataException(
                string.Create(CultureInfo.InvariantCulture, $"The collection log {path} is damaged at offset {offset}: the record passed its checksum but could not be decoded."),
                exception);
        }
    }

    private static void WriteVector(BinaryWriter writer, float[] vector)
    {
        writer.Write(vector.Length);
        foreach (var value in vector)
        {
            writer.Write(value);
        }
    }

    private static float[] ReadVector(BinaryReader reader)
    {
        var vector = new float[reader.ReadInt32()];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = reader.ReadSingle();
        }

        return vector;
    }

    private static Dictionary<string, JsonElement> ReadMetadata(BinaryReader reader) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.ReadString()) ?? [];
}
