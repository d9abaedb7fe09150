namespace Fleet.Api.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
