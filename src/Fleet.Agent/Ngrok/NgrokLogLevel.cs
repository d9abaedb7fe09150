namespace Fleet.Agent.Ngrok;

/// <summary>ngrok's levels, whose spellings vary (`dbug`, `eror`, `crit` in logs; `debug`, `error` in the config).</summary>
internal enum NgrokLogLevel
{
    Unknown,
    Debug,
    Info,
    Warn,
    Error,

    /// <summary>`crit`: in practice `command failed`, logged just before the agent exits.</summary>
    Critical,
}
