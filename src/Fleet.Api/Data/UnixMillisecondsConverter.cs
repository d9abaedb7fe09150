using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Fleet.Api.Data;

public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
