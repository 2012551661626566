namespace Tcplb.Configuration;

/// <summary>Bad configuration found at start-up (or at reload): the message is the one line the user sees.</summary>
internal sealed class ConfigException(string message) : Exception(message);
