using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Patients;

/// <summary>The in-memory directory other tests use behaves as the stores do.</summary>
public sealed class InMemoryPatientDirectoryTests : PatientDirectoryContract
{
    protected override IPatientDirectory Directory { get; } = new InMemoryPatientDirectory();
}
