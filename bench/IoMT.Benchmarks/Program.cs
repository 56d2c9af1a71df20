using BenchmarkDotNet.Running;
using IoMT.Benchmarks;

if (args is ["timeline-load"])
{
    TimelineLoad.Run();
    return;
}

if (args is ["ingestion-cpu", .. var rest])
{
    IngestionCpu.Run(rest is [var rounds] ? int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture) : 9);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
