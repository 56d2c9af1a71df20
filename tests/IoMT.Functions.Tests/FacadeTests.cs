using System.Reflection;
using IoMT.Testing;
using Microsoft.Azure.Functions.Worker.Builder;

namespace IoMT.Functions.Tests;

public class FacadeTests
{
    private static readonly Assembly FacadeAssembly = typeof(FunctionsApplication).Assembly;

    [Fact]
    public void FacadeMembers_ThatNeedTheAzureRuntime_ThrowNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => FunctionsApplication.CreateBuilder([]));
    }

    [Fact]
    public void EveryPublicFacadeType_IsDocumentedWithItsSourceInTheFacadeReadme()
    {
        var readme = File.ReadAllText(RepositoryPaths.Combine("tests", "IoMT.AzureSdkFacade", "README.md"));

        var undocumented = FacadeAssembly.GetExportedTypes()
            .Select(type => type.FullName!)
            .Where(name => !readme.Contains($"`{name}`", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(undocumented);
    }
}
