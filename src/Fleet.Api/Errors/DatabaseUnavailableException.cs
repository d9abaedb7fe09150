namespace Fleet.Api.Errors;

/// <summary>The database did not answer within a read's time budget; answered as 503 with Retry-After.</summary>
internal sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
