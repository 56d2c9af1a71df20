using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Patients;

/// <summary>The in-memory directory other tests use behaves as the stores do.</summary>
public sealed class InMemoryPatientDirectoryTests : PatientDirectoryContract
{
    protected override Task<IPatientDirectory> CreateDirectoryAsync() => Task.FromResult<IPatientDirectory>(new InMemoryPatientDirectory());
}
