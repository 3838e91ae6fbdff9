using EdgeGateway.Telemetry.Export;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// Logs written before the exporters are built (the start-up lines) reach them once they are, in order; the queue before
/// that is bounded, so a process that never finishes building cannot grow it without end.
/// </summary>
public sealed class DeferredLoggerProviderTests
{
    [Fact]
    public void RecordsBeforeConnect_Replayed_ThenWrittenDirectly()
    {
        var provider = new DeferredLoggerProvider();
        var logger = provider.CreateLogger("EdgeGateway");
        logger.LogInformation("first {N}", 1);
        logger.LogWarning("second");
        var sink = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(sink));

        provider.Connect(factory);
        logger.LogError("third");

        Assert.Equal(["EdgeGateway: first 1", "EdgeGateway: second", "EdgeGateway: third"], sink.Lines);
    }

    [Fact]
    public void BeforeConnect_AtMostMaxPendingKept()
    {
        var provider = new DeferredLoggerProvider();
        var logger = provider.CreateLogger("x");
        for (var i = 0; i < DeferredLoggerProvider.MaxPending + 500; i++)
        {
            logger.LogInformation("line {I}", i);
        }

        var sink = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(sink));
        provider.Connect(factory);
        Assert.Equal(DeferredLoggerProvider.MaxPending, sink.Lines.Count);
        Assert.Equal("x: line 0", sink.Lines[0]);
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Add($"{category}: {formatter(state, exception)}");
        }
    }
}
