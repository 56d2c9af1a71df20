using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Core.Tests.Devices;

public class BindingChangesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Bind_Unbound_OpenBinding()
    {
        var bindings = BindingChanges.Bind([], "d", "patient-1", T0).Value!;

        Assert.Equal([new DeviceBinding("d", "patient-1", T0, null)], bindings);
    }

    [Fact]
    public void Bind_BoundToAnother_ReassignsClosingTheOpenBinding()
    {
        IReadOnlyList<DeviceBinding> history = [new DeviceBinding("d", "patient-1", T0, null)];

        var bindings = BindingChanges.Bind(history, "d", "patient-2", T0.AddHours(3)).Value!;

        Assert.Equal([new DeviceBinding("d", "patient-1", T0, T0.AddHours(3)), new DeviceBinding("d", "patient-2", T0.AddHours(3), null)], bindings);
        Assert.Equal("patient-1", BindingHistory.PatientAt(bindings, T0.AddHours(2)));
        Assert.Equal("patient-2", BindingHistory.PatientAt(bindings, T0.AddHours(3)));
    }

    [Fact]
    public void Bind_SamePatientAgain_Unchanged()
    {
        IReadOnlyList<DeviceBinding> history = [new DeviceBinding("d", "patient-1", T0, null)];

        Assert.Same(history, BindingChanges.Bind(history, "d", "patient-1", T0.AddHours(1)).Value);
    }

    [Fact]
    public void Bind_BeforeTheLatestBindingBegan_ConflictNeverRewritesHistory()
    {
        IReadOnlyList<DeviceBinding> history = [new DeviceBinding("d", "patient-1", T0, null)];

        var error = BindingChanges.Bind(history, "d", "patient-2", T0.AddMinutes(-1)).Error!;

        Assert.Equal((409, ApiError.BindingConflict), (error.Status, error.Code));
    }

    [Fact]
    public void Bind_InsideAClosedPeriod_Conflict()
    {
        IReadOnlyList<DeviceBinding> history = [new DeviceBinding("d", "patient-1", T0, T0.AddHours(5))];

        Assert.Equal(ApiError.BindingConflict, BindingChanges.Bind(history, "d", "patient-2", T0.AddHours(4)).Error!.Code);
        Assert.True(BindingChanges.Bind(history, "d", "patient-2", T0.AddHours(5)).IsSuccess);
    }

    [Fact]
    public void Unbind_Bound_ClosesAndKeepsHistory()
    {
        IReadOnlyList<DeviceBinding> history = [new DeviceBinding("d", "patient-1", T0, null)];

        var bindings = BindingChanges.Unbind(history, T0.AddDays(2)).Value!;

        Assert.Equal([new DeviceBinding("d", "patient-1", T0, T0.AddDays(2))], bindings);
        Assert.Null(BindingHistory.PatientAt(bindings, T0.AddDays(2)));
    }

    [Fact]
    public void Unbind_NotBound_Conflict()
    {
        Assert.Equal(ApiError.BindingConflict, BindingChanges.Unbind([], T0).Error!.Code);
        Assert.Equal(ApiError.BindingConflict, BindingChanges.Unbind([new DeviceBinding("d", "p", T0, T0.AddHours(1))], T0.AddHours(2)).Error!.Code);
    }
}
