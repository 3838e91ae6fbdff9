using System.Net;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// The backend's response content as the forwarder reads it to send it on, with each read also appended to a
/// <see cref="CacheWrite"/>; the end of the body stores the entry. A body that breaks off never reaches its end, so it is
/// never stored. The content headers stay those of the backend's content (outbound policies after cache-store read them).
/// </summary>
internal sealed class CapturingContent : HttpContent
{
    private readonly HttpContent inner;
    private readonly CacheWrite write;

    public CapturingContent(HttpContent inner, CacheWrite write)
    {
        this.inner = inner;
        this.write = write;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new CapturingStream(await inner.ReadAsStreamAsync(cancellationToken), write);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class CapturingStream(Stream inner, CacheWrite write) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (buffer.IsEmpty)
            {
                return read; // YARP's copier waits for data with zero-byte reads: not the end of the body
            }

            if (read == 0)
            {
                await write.CompleteAsync();
            }
            else
            {
                write.Append(buffer.Span[..read]);
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            if (count == 0)
            {
                return read;
            }

            if (read == 0)
            {
                write.CompleteAsync().AsTask().GetAwaiter().GetResult(); // the forwarder reads asynchronously; this is only for completeness
            }
            else
            {
                write.Append(buffer.AsSpan(offset, read));
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
