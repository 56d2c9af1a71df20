using BenchmarkDotNet.Running;
using IoMT.Benchmarks;

if (args is ["timeline-load"])
{
    TimelineLoad.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
