using System.Text;
using System.Text.Json.Serialization;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Config;

namespace ManagementPlane.Import.ApiOps;

/// <summary>The outcomes of one artifact of an APIOps folder.</summary>
internal static class MigrationOutcomes
{
    /// <summary>Imported as it is.</summary>
    public const string Imported = "imported";

    /// <summary>Imported, but something a user would notice differs (the details say what).</summary>
    public const string Changed = "changed";

    /// <summary>Cannot be imported (the details say why); while any artifact is refused nothing is applied.</summary>
    public const string Refused = "refused";

    /// <summary>A kind of artifact EdgeGateway has no equivalent for; not imported, does not block the rest.</summary>
    public const string Ignored = "ignored";
}

/// <summary>One artifact of the folder: its kind, its name, the file it came from, the outcome and why.</summary>
internal sealed record MigrationEntry(string Kind, string Name, string Source, string Outcome, IReadOnlyList<string> Details);

internal sealed record MigrationSummary(int Imported, int Changed, int Refused, int Ignored);

/// <summary>The plan: what the import adds to the plane and what it replaces there (it never removes).</summary>
internal sealed record MigrationChanges(ChangeSet Apis, ChangeSet Products, ChangeSet NamedValues, ChangeSet PolicyFragments, ChangeSet Gateways, bool GlobalPolicyChanged);

/// <summary>
/// The answer of an APIOps import (and of its dry run): every artifact's outcome, the problems of the resulting
/// configuration as a whole (an imported policy valid alone but not where it lands), and whether it was applied.
/// </summary>
internal sealed record MigrationReport(
    bool DryRun,
    bool Applied,
    long? Revision,
    MigrationSummary Summary,
    IReadOnlyList<MigrationEntry> Artifacts,
    IReadOnlyList<ConfigError> Errors)
{
    /// <summary>What the import adds and replaces in the plane (null when it cannot apply).</summary>
    public MigrationChanges? Changes { get; init; }

    /// <summary>Everything imported as it is and the result valid.</summary>
    [JsonIgnore]
    public bool Clean => Summary.Changed == 0 && Summary.Refused == 0 && Summary.Ignored == 0 && Errors.Count == 0;

    /// <summary>Nothing refused and the result valid: the import applies (or would).</summary>
    [JsonIgnore]
    public bool Applicable => Summary.Refused == 0 && Errors.Count == 0;

    public static MigrationSummary Summarize(IReadOnlyList<MigrationEntry> entries) => new(
        entries.Count(e => e.Outcome == MigrationOutcomes.Imported),
        entries.Count(e => e.Outcome == MigrationOutcomes.Changed),
        entries.Count(e => e.Outcome == MigrationOutcomes.Refused),
        entries.Count(e => e.Outcome == MigrationOutcomes.Ignored));

    /// <summary>The human form: one line per artifact, its details indented under it, then the verdict.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var entry in Artifacts)
        {
            text.Append(entry.Outcome.PadRight(9)).Append(entry.Kind).Append(' ').Append(entry.Name).Append("  (").Append(entry.Source).Append(")\n");
            foreach (var detail in entry.Details)
            {
                text.Append("           - ").Append(detail).Append('\n');
            }
        }

        foreach (var error in Errors)
        {
            text.Append("error    ").Append(error.Path).Append(": ").Append(error.Message).Append('\n');
        }

        if (Changes is not null)
        {
            text.Append('\n').Append(DryRun ? "Plan (+ added, ~ replaced): " : "Changes (+ added, ~ replaced): ").Append(Describe(Changes)).Append('\n');
        }

        text.Append('\n').Append($"{Summary.Imported} imported, {Summary.Changed} imported with changes, {Summary.Refused} refused, {Summary.Ignored} ignored");
        if (Errors.Count > 0)
        {
            text.Append($", {Errors.Count} configuration error(s)");
        }

        text.Append(".\n").Append(
            Applied ? $"Applied as revision {Revision}.\n"
            : DryRun && Applicable ? "Dry run: nothing was applied; without --dry-run this would be applied.\n"
            : DryRun ? "Dry run: nothing was applied; as it is, the import would be refused.\n"
            : "Nothing was applied.\n");
        return text.ToString();
    }

    private static string Describe(MigrationChanges changes)
    {
        var parts = new List<string>();
        foreach (var (kind, set) in new[] { ("apis", changes.Apis), ("products", changes.Products), ("named values", changes.NamedValues), ("policy fragments", changes.PolicyFragments), ("gateways", changes.Gateways) })
        {
            if (set.Added.Count + set.Updated.Count > 0)
            {
                parts.Add(kind + " " + string.Join(' ', set.Added.Select(a => "+" + a).Concat(set.Updated.Select(u => "~" + u))));
            }
        }

        if (changes.GlobalPolicyChanged)
        {
            parts.Add("global policy ~");
        }

        return parts.Count == 0 ? "nothing changes" : string.Join("; ", parts);
    }
}

/// <summary>Collects one artifact's changes and refusals while it is translated.</summary>
internal sealed class ArtifactNotes(string kind, string name, string source)
{
    private readonly List<string> changes = [];
    private readonly List<string> refusals = [];

    public bool Refused => refusals.Count > 0;

    public void Change(string detail) => changes.Add(detail);

    public void Refuse(string reason) => refusals.Add(reason);

    public MigrationEntry ToEntry() => new(kind, name, source,
        refusals.Count > 0 ? MigrationOutcomes.Refused : changes.Count > 0 ? MigrationOutcomes.Changed : MigrationOutcomes.Imported,
        [.. refusals, .. changes]);
}
