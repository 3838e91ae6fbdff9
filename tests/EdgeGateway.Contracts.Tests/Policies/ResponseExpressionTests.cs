using System.Text;
using System.Text.Json;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Tests.Policies;

/// <summary>send-request's responses in expressions: ((IResponse)context.Variables["name"]) and what the subset reads of it.</summary>
public sealed class ResponseExpressionTests
{
    private static readonly FakePolicyContext Request = new()
    {
        Responses =
        {
            ["tok"] = new FakeResponse(201, """{"access_token":"abc","expires_in":3600,"scopes":["read","write"],"nested":{"a":{"b":"deep"}},"none":null}""",
                new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json", ["X-Trace"] = "t-1" }),
            ["text"] = new FakeResponse(500, "not json", new(StringComparer.OrdinalIgnoreCase)),
        },
    };

    [Theory]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).StatusCode)", "201")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).StatusCode.ToString())", "201")]
    [InlineData("@(((IResponse)context.Variables[\"missing\"]).StatusCode)", "0")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Headers.GetValueOrDefault(\"x-trace\"))", "t-1")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Headers.GetValueOrDefault(\"X-None\", \"none\"))", "none")]
    [InlineData("@(((IResponse)context.Variables[\"text\"]).Body.As<string>())", "not json")]
    [InlineData("@(((IResponse)context.Variables[\"text\"]).Body.As<string>(preserveContent: true))", "not json")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"access_token\"])", "abc")]
    [InlineData("@(\"Bearer \" + ((IResponse)context.Variables[\"tok\"]).Body.As<JObject>(preserveContent: true)[\"access_token\"].ToString())", "Bearer abc")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"nested\"][\"a\"][\"b\"])", "deep")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"expires_in\"])", "3600")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"scopes\"][1])", "write")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"nested\"][\"a\"])", "{\"b\":\"deep\"}")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"nested\"][\"x\"][\"y\"])", "")]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"none\"].ToString())", "")]
    [InlineData("@(((IResponse)context.Variables[\"text\"]).Body.As<JObject>()[\"a\"])", "")]
    [InlineData("@(((IResponse)context.Variables[\"missing\"]).Body.As<JObject>()[\"a\"] ?? \"fallback\")", "fallback")]
    [InlineData("@(context.Variables.GetValueOrDefault<string>(\"name\", \"default\"))", "v1")]
    [InlineData("@(context.Variables.GetValueOrDefault<string>(\"absent\", \"default\"))", "default")]
    public void Evaluate_StoredResponse_ReadsWhatTheSideCallAnswered(string text, string expected)
    {
        Assert.Equal(expected, Compile.Value(text).Evaluate(Request));
    }

    [Theory]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).StatusCode == 201)", true)]
    [InlineData("@(((IResponse)context.Variables[\"text\"]).StatusCode >= 400)", true)]
    [InlineData("@(((IResponse)context.Variables[\"tok\"]).Body.As<JObject>()[\"missing\"] == null)", true)]
    [InlineData("@(((IResponse)context.Variables[\"missing\"]).StatusCode == 200)", false)]
    public void Condition_StoredResponse_Decides(string text, bool expected)
    {
        Assert.Equal(expected, Compile.Condition(text).Evaluate(Request));
    }

    [Theory]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Body.As<int>())", "Body.As<int>() is not supported: a stored response's body is read as Body.As<string>() or Body.As<JObject>()")]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Body.As<string>(true, false))", "As<T>() takes only preserveContent: true or false")]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Body.As<string>(keep: true))", "As<T>() takes only preserveContent, not 'keep'")]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Body.As<string>()[\"a\"])", "Body.As<string>() is text: index Body.As<JObject>() to read JSON")]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Body.As<JObject>()[context.Api.Id])", "a JSON path step must be a string literal (a property) or a whole number (an array index)")]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Reason)", "'Reason' of an IResponse is not in the supported subset")]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Headers.Count)", "not in the supported subset: ((IResponse)context.Variables[\"name\"]) is read as")]
    [InlineData("@(((IResponse)context.Variables[\"t\"]).Headers.GetValueOrDefault(context.Api.Id))", "the header name must be a string literal")]
    [InlineData("@((IResponse)context.Variables[\"t\"])", "an (IResponse) cast is supported only as part of a whole read")]
    [InlineData("@(((IResponse)context.Request.Headers).StatusCode)", "(IResponse) casts only context.Variables[\"name\"], the responseVariableName of a send-request")]
    [InlineData("@(((IResponse)context.Variables[context.Api.Id]).StatusCode)", "the variable name must be a string literal")]
    public void Compile_ResponseMisused_RefusedAtLoad(string text, string problem)
    {
        Assert.Contains(problem, Compile.Error(text));
    }

    [Fact]
    public void Compile_IntStatusCodeAsText_IsTypeChecked()
    {
        Assert.Contains("cannot cast int to string", Compile.Error("@((string)((IResponse)context.Variables[\"t\"]).StatusCode)"));
    }

    private sealed class FakeResponse(int status, string body, Dictionary<string, string> headers) : IPolicyResponse
    {
        public int StatusCode => status;

        public string BodyText => body;

        public JsonElement? BodyJson
        {
            get
            {
                try
                {
                    return JsonDocument.Parse(Encoding.UTF8.GetBytes(body)).RootElement;
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }

        public string? Header(string name) => headers.GetValueOrDefault(name);
    }
}
