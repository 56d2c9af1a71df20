namespace IoMT.Core.Access;

/// <summary>What a person may do. The contract names (<see cref="Roles.Name"/>) appear in tokens, claims and the API.</summary>
public enum Role
{
    CareCoordinator,
    Nurse,
    Physician,
    DeviceMaker,
    Admin,
}

/// <summary>Contract names of <see cref="Role"/>: add roles, never rename one.</summary>
public static class Roles
{
    private static readonly string[] Names = ["care-coordinator", "nurse", "physician", "device-maker", "admin"];

    public static IReadOnlyList<Role> All { get; } = Enum.GetValues<Role>();

    public static string Name(this Role role) => Names[(int)role];

    public static bool TryParse(string? name, out Role role)
    {
        var index = Array.IndexOf(Names, name);
        role = index < 0 ? default : (Role)index;
        return index >= 0;
    }

    /// <summary>Roles that care for patients and therefore see the patients of their care teams.</summary>
    public static bool IsClinical(this Role role) => role is Role.CareCoordinator or Role.Nurse or Role.Physician;
}
