using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite;

/// <summary>Parameterized commands on a connection, inside the writer's transaction when there is one.</summary>
internal static class SqliteCommands
{
    /// <summary>A command for <paramref name="sql"/>; null parameter values are bound as SQL NULL.</summary>
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    public static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }
}
