using Fleet.Api.Auth;
using Fleet.Api.Data;
using Microsoft.AspNetCore.Builder;

namespace Fleet.Api.SystemTests.Security;

/// <summary>The SQLite database (and its -wal/-shm/-journal), the data folder and the key-ring certificate are the API user's only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FilePermissionTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;
    private const UnixFileMode WorldReadable = OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public async Task ZeroConfigStart_CreatesDataFolder0700_AndDatabaseAndCertificate0600()
    {
        await using var api = await ApiProcess.StartDevelopmentAsync();

        var data = Path.Combine(api.ContentRoot, "data");
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(data));
        foreach (var file in new[] { "fleet.db", KeyRingCertificate.DefaultFileName, "development-credentials.json" })
        {
            Assert.Equal(OwnerFile, File.GetUnixFileMode(Path.Combine(data, file)));
        }

        // SQLite gives its side files the database file's mode; whichever exist now must be owner-only too.
        foreach (var side in Directory.GetFiles(data, "fleet.db-*"))
        {
            Assert.Equal(OwnerFile, File.GetUnixFileMode(side));
        }
    }

    [Fact]
    public void ExistingWorldReadableDatabaseFiles_AreTightenedWhenTheHostIsBuilt_AndReported()
    {
        var folder = Directory.CreateTempSubdirectory("fleet-sqlite-modes-");
        try
        {
            var database = Path.Combine(folder.FullName, "fleet.db");
            foreach (var path in new[] { database, database + "-wal", database + "-shm" })
            {
                File.WriteAllBytes(path, []);
                File.SetUnixFileMode(path, WorldReadable);
            }

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder.FullName, EnvironmentName = "Testing" });
            builder.Configuration["ConnectionStrings:Fleet"] = $"Data Source={database}";
            builder.AddFleetData();

            foreach (var path in new[] { database, database + "-wal", database + "-shm" })
            {
                Assert.Equal(OwnerFile, File.GetUnixFileMode(path));
            }

            Assert.Equal(3, OwnerOnlyFiles.For(builder).Tightened.Count);
            Assert.Contains(OwnerOnlyFiles.For(builder).Tightened, t => t.Path == database && t.Before == WorldReadable);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void NewDatabaseFile_IsCreated0600_BeforeSqliteOpensIt()
    {
        var folder = Directory.CreateTempSubdirectory("fleet-sqlite-new-");
        try
        {
            var database = Path.Combine(folder.FullName, "new.db");
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder.FullName, EnvironmentName = "Testing" });
            builder.Configuration["ConnectionStrings:Fleet"] = $"Data Source={database}";

            builder.AddFleetData();

            Assert.Equal(OwnerFile, File.GetUnixFileMode(database));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
