using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Tests.Policies;

public sealed class PolicyExpressionErrorTests
{
    [Theory]
    [InlineData("@(context.Request.Body.As<string>())", 19, "'context.Request.Body' is not in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"a\",\"\").Split(' ')[0])", 59, "character literals are not supported: use a string")]
    [InlineData("@(context.Request.Method.ToUpper())", 26, "method 'ToUpper' is not in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(\"abc\".Length)", 9, "'Length' is not in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(context.Request.Method.Length)", 26, "'context.Request.Method.Length' is not in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(DateTime.UtcNow.ToString())", 3, "'DateTime' is not in the supported subset (see docs/policies.md#expressions): expressions read 'context' only")]
    [InlineData("@(Regex.Match(context.Request.Url.Path, \"x\").Value)", 3, "'Regex' is not in the supported subset (see docs/policies.md#expressions): expressions read 'context' only")]
    [InlineData("@(context.Variables[\"x\"] = \"y\")", 26, "assignment ('=') is not supported (compare with '==')")]
    [InlineData("@(context.Variables.Where(v => v.Key == \"a\"))", 29, "lambdas ('=>') are not supported")]
    [InlineData("@(new Random().Next())", 3, "'new' is not supported: expressions cannot create objects")]
    [InlineData("@{ var x = 1; return x; }", 10, "assignment ('=') is not supported (compare with '==')")]
    [InlineData("@{ if (true) return 1; }", 4, "only '@{ return <expression>; }' is supported: one return statement")]
    [InlineData("@{ return \"a\"; return \"b\"; }", 16, "only one statement is supported: '@{ return <expression>; }'")]
    [InlineData("@(\"a\"; \"b\")", 6, "statements are not supported: '@(...)' holds one expression; ';', found ';'")]
    [InlineData("@(\"unterminated)", 3, "unterminated string literal (a '\"' is missing)")]
    [InlineData("@(context.Request.Method", 25, "expected ')' or an operator, found the end of the expression")]
    [InlineData("@(context.Api.Name)x", 20, "text after the expression's closing ')': an expression must be the whole value")]
    [InlineData("@($\"id-{context.Api.Id}\")", 3, "string interpolation ($\"...\") is not supported: join strings with '+'")]
    [InlineData("@(@\"c:\\x\")", 3, "verbatim strings (@\"...\") are not supported: use \"...\" with \\\" and \\\\")]
    [InlineData("@(\"a\\qb\")", 5, "escape sequence '\\q' is not supported (use \\\", \\\\, \\', \\n, \\r, \\t or \\0)")]
    [InlineData("@(2 * 3)", 5, "operator '*' is not in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(99999999999)", 3, "the number is larger than 2147483647 (only int is supported)")]
    [InlineData("@(1.5)", 4, "only whole numbers (int) are supported, without suffixes or decimals")]
    [InlineData("@(context)", 3, "'context' is not a value in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(context.Request.Headers)", 19, "'context.Request.Headers' is not a value in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(context.Api.Id))", 45, "the name must be a string literal")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"a\", 1))", 50, "the default must be a string, not int")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault())", 27, "GetValueOrDefault takes a name and an optional default")]
    [InlineData("@(context.Variables.GetValueOrDefault<int>(\"n\", 0))", 21, "GetValueOrDefault<int> is not supported: values are strings (use GetValueOrDefault<string> or no type argument)")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"A\").AsJwt()?.Claims.GetValueOrDefault(\"sub\"))", 50, "'AsJwt()' is not supported: validate the token with validate-jwt and read its claims through its outputTokenVariableName, as ((Jwt)context.Variables[\"name\"]).Claims.GetValueOrDefault(\"claim\", \"\")")]
    [InlineData("@((Jwt)context.Variables[\"jwt\"])", 3, "a (Jwt) cast is supported only as ((Jwt)context.Variables[\"name\"]).Claims.GetValueOrDefault(\"claim\", \"default\")")]
    [InlineData("@((JObject)context.Variables[\"x\"])", 3, "cast to 'JObject' is not supported (only (string), (int), (bool) and the (Jwt) of a validated token)")]
    [InlineData("@((int)context.Variables[\"n\"])", 3, "cannot cast string to int (casts only restate a type; use .ToString() for text)")]
    [InlineData("@(context.Request.Headers[\"a\"])", 26, "only context.Variables[\"name\"] can be indexed")]
    [InlineData("@(context.Request.Method())", 19, "method 'Method' is not in the supported subset (see docs/policies.md#expressions)")]
    [InlineData("@(typeof(string))", 3, "'typeof' is not in the supported subset (see docs/policies.md#expressions): expressions read 'context' only")]
    [InlineData("@()", 3, "expected a value, found ')'")]
    [InlineData("@(", 3, "expected a value, found the end of the expression")]
    [InlineData("@{ return 1 }", 13, "expected ';' after the returned expression, or an operator, found '}'")]
    [InlineData("@{ return 1;", 13, "only one statement is supported: '@{ return <expression>; }'")]
    [InlineData("@(context.Request.Method\n + \"x)", 29, "unterminated string literal (a '\"' is missing)")]
    [InlineData("@(if)", 3, "'if' here: statements and declarations are not supported, only '@{ return <expression>; }'")]
    [InlineData("@(context.Variables[\"a\"]++)", 25, "'++' is not supported (expressions cannot change anything)")]
    [InlineData("@(\"a\" & \"b\")", 7, "operator '&' is not in the supported subset (see docs/policies.md#expressions)")]
    public void CompileValue_OutsideTheSubset_RefusedWithWhatAndWhere(string text, int column, string problem)
    {
        Assert.Equal($"'{text}' at column {column}: {problem}", Compile.Error(text));
    }

    [Theory]
    [InlineData("@(1 + true)", 5, "'+' between int and bool ('+' joins text to anything, or adds ints)")]
    [InlineData("@(true + false)", 8, "'+' between bool and bool ('+' joins text to anything, or adds ints)")]
    [InlineData("@(\"a\" - \"b\")", 7, "'-' between string and string")]
    [InlineData("@(\"a\" == 1)", 7, "'==' between string and int (both sides must have the same type)")]
    [InlineData("@(true != 0)", 8, "'!=' between bool and int (both sides must have the same type)")]
    [InlineData("@(\"a\" < \"b\")", 7, "'<' between string and string (they compare ints)")]
    [InlineData("@(context.Request.Method > 1)", 26, "'>' between string and int (they compare ints)")]
    [InlineData("@(\"a\" && true)", 7, "'&&' between string and bool (they combine bools)")]
    [InlineData("@(1 || 0)", 5, "'||' between int and int (they combine bools)")]
    [InlineData("@(!context.Request.Method)", 3, "'!' cannot apply to string")]
    [InlineData("@(-\"a\")", 3, "'-' cannot apply to string")]
    [InlineData("@(1 ?? 2)", 5, "'??' between int and int")]
    [InlineData("@(context.Api.Id ? \"a\" : \"b\")", 18, "the condition of '?:' must be a bool, not string")]
    [InlineData("@(true ? \"a\" : 1)", 8, "the branches of '?:' must have the same type, not string and int")]
    public void CompileValue_TypeMismatch_NamesTheOperatorAndTypes(string text, int column, string problem)
    {
        Assert.Equal($"'{text}' at column {column}: {problem}", Compile.Error(text));
    }

    [Theory]
    [InlineData("@(context.Request.Method)", "a condition must be a bool expression, not string")]
    [InlineData("@(context.Response.StatusCode)", "a condition must be a bool expression, not int")]
    [InlineData("yes", "a condition must be an expression like '@(context.Request.Method == \"GET\")', or true or false")]
    public void CompileCondition_NotBool_Refused(string text, string problem)
    {
        var section = text.Contains("Response", StringComparison.Ordinal) ? Sections.Outbound : Sections.Inbound;

        Assert.Equal($"'{text}': {problem}", Compile.ConditionError(text, section));
    }

    [Theory]
    [InlineData("@(context.Response.StatusCode)", Sections.Inbound, 20, "'context.Response.StatusCode' is available only in outbound and onError, not in inbound")]
    [InlineData("@(context.Response.StatusCode)", Sections.Backend, 20, "'context.Response.StatusCode' is available only in outbound and onError, not in backend")]
    [InlineData("@(context.Response.Headers.GetValueOrDefault(\"a\", \"\"))", Sections.Inbound, 28, "'context.Response.Headers' is available only in outbound and onError, not in inbound")]
    [InlineData("@(context.LastError.Message)", Sections.Inbound, 21, "'context.LastError.Message' is available only in onError, not in inbound")]
    [InlineData("@(context.LastError.Reason)", Sections.Outbound, 21, "'context.LastError.Reason' is available only in onError, not in outbound")]
    public void CompileValue_OutsideItsSection_Refused(string text, Sections section, int column, string problem)
    {
        Assert.Equal($"'{text}' at column {column}: {problem}", Compile.Error(text, section));
    }

    [Fact]
    public void CompileValue_DeepNesting_RefusedWithTheLimit()
    {
        var text = "@(" + new string('(', 40) + "1" + new string(')', 40) + ")";

        Assert.EndsWith("the expression is nested too deeply (more than 32 levels)", Compile.Error(text));
    }

    [Fact]
    public void CompileValue_NestingAtTheLimit_Accepted()
    {
        var text = "@(" + new string('(', 31) + "1" + new string(')', 31) + ")";

        Assert.Equal("1", Compile.Value(text).Evaluate(new FakePolicyContext()));
    }

    [Fact]
    public void CompileValue_ManyNots_RefusedWithTheLimit()
    {
        Assert.EndsWith("the expression is nested too deeply (more than 32 levels)", Compile.Error("@(" + new string('!', 100) + "true)"));
    }

    [Fact]
    public void CompileValue_ManyOperators_RefusedWithTheLimit()
    {
        var text = "@(" + string.Join(" + ", Enumerable.Repeat("1", 300)) + ")";

        Assert.EndsWith("the expression has too many operators (more than 256)", Compile.Error(text));
    }

    [Fact]
    public void CompileValue_TooLong_RefusedAndTheTextShortened()
    {
        var text = "@(\"" + new string('a', 3000) + "\")";

        var error = Compile.Error(text);

        Assert.Equal($"'{text[..97]}...' at column 1: the expression is longer than 2048 characters", error);
    }
}
