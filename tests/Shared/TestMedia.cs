using System.Buffers.Binary;
using System.Text;

namespace AspireAi.Tests.Shared;

/// <summary>Builds the smallest image and PDF files that the emulator and the gateway read.</summary>
internal static class TestMedia
{
    /// <summary>Returns the signature and IHDR chunk start of a PNG, which is all the emulator reads.</summary>
    public static byte[] Png(int width, int height)
    {
        var png = new byte[33];
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(png, 0);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(8), 13);
        "IHDR"u8.CopyTo(png.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        return png;
    }

    /// <summary>Returns a PDF whose page tree declares <paramref name="pages"/> pages.</summary>
    public static byte[] Pdf(int pages)
    {
        var text = new StringBuilder("%PDF-1.4\n1 0 obj << /Type /Pages /Count ").Append(pages).Append(" >> endobj\n");
        for (var i = 0; i < pages; i++)
        {
            text.Append(i + 2).Append(" 0 obj << /Type /Page /Parent 1 0 R >> endobj\n");
        }

        return Encoding.ASCII.GetBytes(text.Append("%%EOF\n").ToString());
    }
}
