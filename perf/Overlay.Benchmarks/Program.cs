using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Overlay.Benchmarks.ParseBenchmarks).Assembly).Run(args);
