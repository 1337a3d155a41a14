using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/StreamChat.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
