// The gateway ships for Linux containers; these tests drive its Linux binary and use POSIX signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
