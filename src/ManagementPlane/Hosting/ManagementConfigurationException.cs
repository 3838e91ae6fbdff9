namespace ManagementPlane.Hosting;

/// <summary>A start-up misconfiguration; the message names the setting to fix.</summary>
internal sealed class ManagementConfigurationException(string message) : Exception(message);
