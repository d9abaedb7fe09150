// The benchmark reads /proc, runs mosquitto, wrk and PostgreSQL's server binaries: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
