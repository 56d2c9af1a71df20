namespace IoMT.AzureSdkFacade;

/// <summary>What every facade member that needs the real Azure runtime throws.</summary>
internal static class Facade
{
    public static NotSupportedException NotSupported() =>
        new("Offline Azure SDK facade: this member exists for type-checking only. Build src/IoMT.Functions against the real packages to run it.");
}
