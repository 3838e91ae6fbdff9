using EdgeGateway.Contracts.Validation;

namespace ManagementPlane.State;

internal enum StateErrorKind
{
    /// <summary>The request or the state it would leave is invalid (HTTP 400).</summary>
    Invalid,

    NotFound,

    /// <summary>The change contradicts the state (a delete that leaves a dangling reference, an undecryptable key).</summary>
    Conflict,

    /// <summary>An If-Match / If-None-Match given by the caller does not hold.</summary>
    PreconditionFailed,

    /// <summary>The head record kept changing under this write.</summary>
    TooManyWriters,
}

/// <summary>Why a write was refused, in the store's terms; endpoints turn it into a problem answer (<c>Problems.For</c>).</summary>
internal sealed record StateError(StateErrorKind Kind, string Message, IReadOnlyList<ConfigError>? Errors = null)
{
    public static StateError Invalid(string message, IReadOnlyList<ConfigError>? errors = null) => new(StateErrorKind.Invalid, message, errors);

    public static StateError NotFound(string message) => new(StateErrorKind.NotFound, message);

    public static StateError Conflict(string message, IReadOnlyList<ConfigError>? errors = null) => new(StateErrorKind.Conflict, message, errors);

    public static StateError PreconditionFailed(string message) => new(StateErrorKind.PreconditionFailed, message);

    public static StateError TooManyWriters(string message) => new(StateErrorKind.TooManyWriters, message);
}
