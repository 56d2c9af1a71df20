using System.Reflection;
using IoMT.Testing;

namespace IoMT.Functions.Tests;

public class FunctionsSourceCompilationTests
{
    [Fact]
    public void EveryFunctionsSourceFile_IsCompiledByThisTestProject()
    {
        var functionsDirectory = RepositoryPaths.Combine("src", "IoMT.Functions");
        var onDisk = Directory.EnumerateFiles(functionsDirectory, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(functionsDirectory, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        var compiled = typeof(FunctionsSourceCompilationTests).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(attribute => attribute.Key == "CompiledFunctionsSource")
            .Select(attribute => attribute.Value!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(onDisk);
        Assert.Equal(onDisk, compiled);
    }

    [Fact]
    public void FunctionClasses_AreCompiledIntoThisAssembly()
    {
        var functionNames = typeof(FunctionsSourceCompilationTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods())
            .Select(method => method.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()?.Name)
            .OfType<string>()
            .ToList();

        Assert.Contains("Health", functionNames);
    }
}
