using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using EdgeGateway.Bench;

var summaries = BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args, DefaultConfig.Instance);

// BenchmarkDotNet exits 0 even when a benchmark threw (its row then says NA): a failed scenario must fail the run.
var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name).ToList();
if (failed.Count > 0 || summaries.Any(s => s.HasCriticalValidationErrors))
{
    Console.Error.WriteLine($"benchmarks failed: {(failed.Count > 0 ? string.Join(", ", failed) : "validation errors")} (see the log above)");
    return 1;
}

return 0;
