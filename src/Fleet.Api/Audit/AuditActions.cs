namespace Fleet.Api.Audit;

/// <summary>The actions the audit trail records (the <c>action</c> of an entry and of the <c>GET /audit</c> filter).</summary>
public static class AuditActions
{
    public const string SignIn = "session.sign-in";
    public const string SignOut = "session.sign-out";
    public const string DetectorUpdate = "detector.update";
    public const string DetectorDecommission = "detector.decommission";
    public const string CredentialProvision = "credential.provision";
    public const string CredentialRevoke = "credential.revoke";
    public const string RuleCreate = "alert-rule.create";
    public const string RuleReplace = "alert-rule.replace";
    public const string RuleDelete = "alert-rule.delete";
    public const string SilenceCreate = "alert-silence.create";
    public const string SilenceReplace = "alert-silence.replace";
    public const string SilenceDelete = "alert-silence.delete";
    public const string DestinationCreate = "alert-destination.create";
    public const string DestinationUpdate = "alert-destination.update";
    public const string DestinationDelete = "alert-destination.delete";
    public const string LinkOpen = "link.open";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        SignIn, SignOut, DetectorUpdate, DetectorDecommission, CredentialProvision, CredentialRevoke,
        RuleCreate, RuleReplace, RuleDelete, SilenceCreate, SilenceReplace, SilenceDelete,
        DestinationCreate, DestinationUpdate, DestinationDelete, LinkOpen,
    };
}
