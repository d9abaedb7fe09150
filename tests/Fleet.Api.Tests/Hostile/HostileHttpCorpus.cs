namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// Hostile HTTP inputs (issue 11, findings 5 and 9): tunnel URLs a detector may have got stored (before the URL rule
/// was tightened, or by publishing them), and PATCH bodies. The MQTT side of the same URLs is in <see cref="HostileCorpus"/>.
/// </summary>
public static class HostileHttpCorpus
{
    /// <summary>URLs <c>/d/{id}</c> must never redirect to, with no allow-list configured (the default outside Production).</summary>
    public static TheoryData<string> RefusedLinkUrls { get; } = new()
    {
        "https://192.168.1.1/",
        "http://10.0.0.5/",
        "https://172.16.0.9/admin",
        "http://100.64.0.1/",
        "http://[fd12::1]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "http://0177.0.0.1/",
        "https://localtest.me/",
        "https://app.localtest.me/",
        "https://127.0.0.1.nip.io/",
        "https://169.254.169.254.nip.io/latest/meta-data/",
        "https://10-0-0-5.sslip.io/",
        "https://localhost.localdomain/",
        "https://ip6-localhost/",
        "https://raspberrypi.local/",
    };

    /// <summary>Merge-patch bodies (raw JSON text) that must get a 400 validation problem naming <c>Field</c>, never a 500 or a 200.</summary>
    public static TheoryData<string, string, string> RefusedPatchBodies { get; } = new()
    {
        { "duplicate-name-key", """{"name":"lab A","name":"lab B"}""", "body" },
        { "duplicate-tags-key", """{"tags":["a"],"notes":"n","tags":["b"]}""", "body" },
        { "lone-high-surrogate-in-name", """{"name":"pi\ud800"}""", "body" },
        { "lone-low-surrogate-in-notes", """{"notes":"\udc00 note"}""", "body" },
        { "lone-surrogate-as-key", """{"\ud800":"x"}""", "body" },
        { "lone-surrogate-in-tag", """{"tags":["\udfff"]}""", "body" },
        { "reversed-surrogate-pair", """{"name":"\ude00\ud83d"}""", "body" },
        { "bidi-override-in-name", """{"name":"lab \u202eexe.gnp"}""", "name" },
        { "bidi-embedding-in-name", """{"name":"\u202bpi-7"}""", "name" },
        { "bidi-isolate-in-location", """{"location":"room \u2066B\u2069"}""", "location" },
        { "zero-width-space-in-name", """{"name":"pi\u200b-042"}""", "name" },
        { "zero-width-joiner-in-name", """{"name":"pi\u200d-042"}""", "name" },
        { "rtl-mark-in-notes", """{"notes":"ok \u200f done"}""", "notes" },
        { "word-joiner-in-location", """{"location":"hall\u2060 3"}""", "location" },
        { "bom-in-notes", """{"notes":"\ufeffnote"}""", "notes" },
        { "control-character-in-name", """{"name":"pi\u0007"}""", "name" },
        { "line-separator-in-name", """{"name":"pi\u2028two"}""", "name" },
    };
}
