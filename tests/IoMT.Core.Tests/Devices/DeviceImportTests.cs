using IoMT.Core.Api;
using IoMT.Core.Devices;
using static IoMT.Core.Tests.Devices.DeviceFixture;

namespace IoMT.Core.Tests.Devices;

public class DeviceImportTests
{
    private const string Csv = """"
        id,manufacturer,model,kinds,serialNumber,firmware
        bp-0001,Acme Medical,BP Cuff 7,bloodPressure;heartRate,SN-1,1.0
        bp-0002,Acme Medical,"BP Cuff 7, wide",bloodPressure,"SN-""2""",1.0
        bad id,Acme Medical,BP Cuff 7,bloodPressure,SN-3,1.0
        bp-0004,Acme Medical,BP Cuff 7,pressure,SN-4,1.0

        """";

    [Fact]
    public void ParseCsv_QuotedFieldsAndKindLists_OneRegistrationPerRow()
    {
        var rows = DeviceImport.ParseCsv(Csv).Value!;

        Assert.Equal(4, rows.Count);
        Assert.Equal(["bloodPressure", "heartRate"], rows[0].Kinds!);
        Assert.Equal(("BP Cuff 7, wide", "SN-\"2\""), (rows[1].Model, rows[1].SerialNumber));
        Assert.Null(rows[0].Status);
    }

    [Theory]
    [InlineData("60", 60)]
    [InlineData("a minute", -1)]
    [InlineData("", null)]
    public void ParseCsv_ReportingInterval_WholeSecondsElseOutOfRange(string cell, int? seconds)
    {
        var row = Assert.Single(DeviceImport.ParseCsv($"id,model,kinds,reportingIntervalSeconds\nm-1,M,spo2,{cell}").Value!);

        Assert.Equal(seconds, row.ReportingIntervalSeconds);
    }

    [Theory]
    [InlineData("", "/header")]
    [InlineData("id,colour\nx,red", "/header/1")]
    [InlineData("id,id\nx,y", "/header/1")]
    public void ParseCsv_BadHeader_PointerToIt(string csv, string pointer)
    {
        Assert.Equal(pointer, DeviceImport.ParseCsv(csv).Error!.Field);
    }

    [Fact]
    public async Task Import_MixedRows_EachRowItsOwnResult()
    {
        var fixture = new DeviceFixture();

        var summary = (await fixture.Service.ImportAsync(Acme, DeviceImport.ParseCsv(Csv).Value!)).Value!;

        Assert.Equal((2, 0, 2), (summary.Created, summary.Existing, summary.Invalid));
        Assert.Equal(["created", "created", "invalid", "invalid"], summary.Rows.Select(r => r.Status));
        Assert.Equal(("/2/id", ApiError.BodyInvalid, 3), (summary.Rows[2].Field, summary.Rows[2].Code, summary.Rows[2].Row));
        Assert.Equal("/3/kinds/0", summary.Rows[3].Field);
    }

    [Fact]
    public async Task Import_SameFileAgain_NoChange()
    {
        var fixture = new DeviceFixture();
        var rows = DeviceImport.ParseCsv(Csv).Value!;
        await fixture.Service.ImportAsync(Acme, rows);
        var before = await fixture.Registry.FindAsync("bp-0001");

        var again = (await fixture.Service.ImportAsync(Acme, rows)).Value!;

        Assert.Equal((0, 2, 2), (again.Created, again.Existing, again.Invalid));
        Assert.Equal(before, await fixture.Registry.FindAsync("bp-0001"));
    }

    [Fact]
    public async Task Import_InterruptedHalfway_RerunCreatesTheRest()
    {
        var fixture = new DeviceFixture();
        var rows = Enumerable.Range(0, 100).Select(i => Oximeter($"ox-{i:D3}")).ToList();
        await fixture.Service.ImportAsync(Acme, rows.Take(37).ToList());

        var rerun = (await fixture.Service.ImportAsync(Acme, rows)).Value!;

        Assert.Equal((63, 37, 0), (rerun.Created, rerun.Existing, rerun.Invalid));
    }

    [Fact]
    public async Task Import_DuplicateIdInTheFile_LaterRowInvalid()
    {
        var summary = (await new DeviceFixture().Service.ImportAsync(Acme, [Oximeter("x"), Oximeter("x")])).Value!;

        Assert.Equal(["created", "invalid"], summary.Rows.Select(r => r.Status));
        Assert.Equal("/1/id", summary.Rows[1].Field);
    }

    [Fact]
    public async Task Import_OtherManufacturersRowsForADeviceMaker_InvalidForbidden()
    {
        var summary = (await new DeviceFixture().Service.ImportAsync(Globex, [Oximeter("x")])).Value!;

        Assert.Equal((DeviceImport.Invalid, ApiError.Forbidden), (summary.Rows[0].Status, summary.Rows[0].Code));
    }

    [Fact]
    public async Task Import_TooManyRows_RefusedWhole()
    {
        var rows = Enumerable.Range(0, DeviceImport.MaxRows + 1).Select(i => Oximeter($"x-{i}")).ToList();

        Assert.Equal(400, (await new DeviceFixture().Service.ImportAsync(Acme, rows)).Error!.Status);
    }
}
