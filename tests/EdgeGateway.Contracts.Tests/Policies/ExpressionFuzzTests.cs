using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Tests.Policies;

/// <summary>Whatever a document holds, compiling it returns a value or errors: no exception, no hang, no stack overflow.</summary>
public sealed class ExpressionFuzzTests
{
    private static readonly string[] Seeds =
    [
        "@(context.Request.Headers.GetValueOrDefault(\"X-Name\", \"default\") + \"-\" + context.Response.StatusCode)",
        "@{ return ((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"sub\", \"\") == \"a\" ? \"x\\\"y\" : null ?? \"z\"; }",
        "@(!(1 < 2) || (3 > -4 && context.Request.Method != \"GET\") == true)",
        "@((string)context.Variables[\"a\"] + context.Variables.GetValueOrDefault<string>(\"b\", \"{{nv}}\"))",
    ];

    private const string Alphabet = "@(){}[]<>\"\\.,;:?!=+-*&|$'`/ \n\t0123456789abcxyzcontext";

    [Fact]
    public void Compile_TruncatedSeeds_NeverThrow()
    {
        foreach (var seed in Seeds)
        {
            for (var length = 0; length <= seed.Length; length++)
            {
                CompileEverywhere(seed[..length]);
                CompileEverywhere(seed[length..]);
            }
        }
    }

    [Fact]
    public void Compile_RandomMutations_NeverThrow()
    {
        var random = new Random(20261130);
        for (var n = 0; n < 3000; n++)
        {
            var chars = Seeds[random.Next(Seeds.Length)].ToCharArray();
            for (var edits = random.Next(1, 6); edits > 0; edits--)
            {
                chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
            }

            CompileEverywhere(new string(chars));
        }
    }

    [Fact]
    public void Compile_RandomText_NeverThrows()
    {
        var random = new Random(7);
        for (var n = 0; n < 3000; n++)
        {
            var chars = new char[random.Next(0, 60)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(10) == 0 ? (char)random.Next(0, 0x3000) : Alphabet[random.Next(Alphabet.Length)];
            }

            CompileEverywhere((random.Next(2) == 0 ? "@(" : "@{") + new string(chars));
        }
    }

    [Theory]
    [InlineData(20000, "(")]
    [InlineData(20000, "!")]
    [InlineData(5000, "-(")]
    [InlineData(3000, "a.")]
    [InlineData(3000, "x[")]
    [InlineData(3000, "f(")]
    public void Compile_NestingBombs_RefusedQuickly(int count, string unit)
    {
        var text = "@(" + string.Concat(Enumerable.Repeat(unit, count)) + "1)";

        var result = PolicyExpressions.CompileValue(text, NamedValueSet.Empty, Sections.Inbound);

        Assert.Null(result.Value);
        Assert.Single(result.Errors);
    }

    private static void CompileEverywhere(string text)
    {
        var values = Compile.Values(("nv", "@(x", false));
        foreach (var section in (Sections[])[Sections.Inbound, Sections.Outbound, Sections.OnError])
        {
            var value = PolicyExpressions.CompileValue(text, values, section);
            Assert.True(value.Value is not null ^ value.Errors.Count > 0, text);
            var condition = PolicyExpressions.CompileCondition(text, values, section);
            Assert.True(condition.Condition is not null ^ condition.Errors.Count > 0, text);
        }
    }
}
