namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// The body bytes of one request that a bandwidth quota counts: what the gateway read of the client's request body and
/// what it wrote of the response body to the client (headers are not counted). Attached only when a quota with
/// bandwidth admits the request: other requests keep Kestrel's own streams.
/// </summary>
internal sealed class BodyBytes
{
    private long read;
    private long written;

    public long Total => Volatile.Read(ref read) + Volatile.Read(ref written);

    public static BodyBytes Attach(HttpContext http)
    {
        var bytes = new BodyBytes();
        http.Request.Body = new Counting(http.Request.Body, bytes, reading: true);
        http.Response.Body = new Counting(http.Response.Body, bytes, reading: false);
        return bytes;
    }

    private void Count(bool reading, int n)
    {
        if (n > 0)
        {
            if (reading)
            {
                Interlocked.Add(ref read, n);
            }
            else
            {
                Interlocked.Add(ref written, n);
            }
        }
    }

    /// <summary>Passes everything through to the stream it wraps, counting the bytes that cross it.</summary>
    private sealed class Counting(Stream inner, BodyBytes bytes, bool reading) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            bytes.Count(reading, n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            bytes.Count(reading, n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            bytes.Count(reading, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            bytes.Count(reading, buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
