namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// A mistake found while tokenizing, parsing or binding one expression, at <see cref="Position"/> (0-based in the
/// attribute text). Thrown only inside <see cref="ExpressionCompiler"/>, which turns it into an error message: it never
/// leaves the compiler, and it only happens when a snapshot is loaded, never per request.
/// </summary>
internal sealed class ExpressionException(int position, string message) : Exception(message)
{
    public int Position { get; } = position;
}
