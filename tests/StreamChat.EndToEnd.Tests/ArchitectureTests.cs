using System.Reflection;
using System.Runtime.CompilerServices;
using StreamChat.AspNetCore.Connections;
using StreamChat.Aws.Lambda;
using StreamChat.Core;

namespace StreamChat.EndToEnd.Tests;

/// <summary>The shape rules of docs/architecture.md, checked on the built libraries and their sources.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly[] Libraries = [typeof(StreamChatOptions).Assembly, typeof(LocalConnectionRegistry).Assembly, typeof(StreamChatLambdaHandler).Assembly];

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StreamChat.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("StreamChat.sln not found above " + AppContext.BaseDirectory);
    }

    // Records are data (an audit entry's fields), not services with dependencies.
    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    [Fact]
    public void NoClassInTheLibraries_TakesMoreThanSevenConstructorDependencies()
    {
        var offenders = Libraries
            .SelectMany(static a => a.GetTypes())
            .Where(static t => t.IsClass && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null && !t.IsSubclassOf(typeof(Delegate)) && !IsRecord(t))
            .SelectMany(static t => t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Select(c => (Type: t, Count: c.GetParameters().Length)))
            .Where(static c => c.Count > 7)
            .Select(static c => $"{c.Type.FullName}: {c.Count}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void ChatPipeline_ParsesAndDispatchesOnly_InUnderTwoHundredLines()
    {
        var path = Path.Combine(RepoRoot(), "src", "StreamChat.Core", "Pipeline", "Internal", "ChatPipeline.cs");

        Assert.InRange(File.ReadAllLines(path).Length, 1, 199);
    }
}
