namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// The response a <c>send-request</c> stored, as APIM's <c>IResponse</c>: <c>((IResponse)context.Variables["name"])</c>
/// followed by <c>.StatusCode</c>, <c>.Headers.GetValueOrDefault(name[, default])</c>, <c>.Body.As&lt;string&gt;()</c> or
/// <c>.Body.As&lt;JObject&gt;()["a"]["b"]</c>, and nothing else. Which variable holds a response is known only per
/// request: a variable that holds none reads as null (a status code of 0).
/// </summary>
internal sealed partial class Binder
{
    private const string ResponseForms =
        "((IResponse)context.Variables[\"name\"]) is read as .StatusCode, .Headers.GetValueOrDefault(\"name\"[, \"default\"]), "
        + ".Body.As<string>() or .Body.As<JObject>()[\"a\"][\"b\"]";

    /// <summary>The bound form of <paramref name="syntax"/> when it reads a stored response; null when it is something else.</summary>
    private Bound? Response(Syntax syntax)
    {
        switch (syntax)
        {
            case MemberSyntax { Name: "StatusCode" } member when ResponseOf(member.Target) is { } name:
                return Bound.Of(c => c.ResponseVariable(name)?.StatusCode ?? 0);
            case MemberSyntax member when ResponseOf(member.Target) is not null:
                throw new ExpressionException(member.Position, $"'{member.Name}' of an IResponse is not in the supported subset: {ResponseForms}");
            case MemberSyntax member when member.Target is MemberSyntax { Name: "Headers" or "Body" } inner && ResponseOf(inner.Target) is not null:
                throw new ExpressionException(member.Position, $"not in the supported subset: {ResponseForms}");
            case CallSyntax call when call.Method.Target is MemberSyntax { Name: "Headers" or "Body" } part && ResponseOf(part.Target) is { } name:
                return part.Name == "Headers" && call.Method.Name == "GetValueOrDefault" ? ResponseHeader(call, name)
                    : part.Name == "Body" && call.Method.Name == "As" ? BodyAs(call, name, [])
                    : throw new ExpressionException(call.Method.Position, $"'{part.Name}.{call.Method.Name}' is not in the supported subset: {ResponseForms}");
            case IndexSyntax indexer when JsonPathOf(indexer) is { } path:
                return path;
            case CastSyntax { TypeName: "IResponse" } cast:
                throw new ExpressionException(cast.Position, $"an (IResponse) cast is supported only as part of a whole read: {ResponseForms}");
            default:
                return null;
        }
    }

    /// <summary>The variable of <c>(IResponse)context.Variables["name"]</c>, or null when <paramref name="syntax"/> is something else.</summary>
    private string? ResponseOf(Syntax syntax)
    {
        if (syntax is not CastSyntax { TypeName: "IResponse" } cast)
        {
            return null;
        }

        return cast.Operand is IndexSyntax indexer && Path(indexer.Target) == "context.Variables"
            ? ConstantName(indexer.Index, "the variable name")
            : throw new ExpressionException(cast.Position, "(IResponse) casts only context.Variables[\"name\"], the responseVariableName of a send-request");
    }

    private Bound ResponseHeader(CallSyntax call, string variable)
    {
        if (call.TypeArgument is not (null or "string"))
        {
            throw new ExpressionException(call.Method.Position, $"GetValueOrDefault<{call.TypeArgument}> is not supported: header values are strings");
        }

        if (call.Arguments.Count is < 1 or > 2)
        {
            throw new ExpressionException(call.Method.Position, "GetValueOrDefault takes a header name and an optional default");
        }

        var header = ConstantName(call.Arguments[0], "the header name");
        var fallback = call.Arguments.Count == 2 ? Text(call.Arguments[1], "the default") : null;
        return WithDefault(c => c.ResponseVariable(variable)?.Header(header), fallback);
    }

    /// <summary><c>.Body.As&lt;T&gt;()</c>, then the JSON path of its indexers (empty for a plain read).</summary>
    private Bound BodyAs(CallSyntax call, string variable, JsonStep[] path)
    {
        foreach (var argument in call.Arguments)
        {
            // APIM's preserveContent: the body is buffered once here, so every read sees it, whatever the flag says.
            var value = argument is NamedArgumentSyntax { Name: "preserveContent" } named ? named.Value
                : argument is NamedArgumentSyntax other ? throw new ExpressionException(other.Position, $"As<T>() takes only preserveContent, not '{other.Name}'")
                : argument;
            if (call.Arguments.Count > 1 || Bind(value) is not { Type: ExpressionType.Bool, IsConstant: true })
            {
                throw new ExpressionException(Start(value), "As<T>() takes only preserveContent: true or false");
            }
        }

        switch (call.TypeArgument)
        {
            case "string" when path.Length == 0:
                return Bound.Of(c => c.ResponseVariable(variable)?.BodyText);
            case "string":
                throw new ExpressionException(call.Method.Position, "Body.As<string>() is text: index Body.As<JObject>() to read JSON");
            case "JObject" when path.Length == 0:
                return Bound.Of(c => c.ResponseVariable(variable)?.BodyJson?.GetRawText());
            case "JObject":
                return Bound.Of(c => JsonStep.Read(c.ResponseVariable(variable)?.BodyJson, path));
            default:
                throw new ExpressionException(call.Method.Position,
                    $"Body.As<{call.TypeArgument ?? "?"}>() is not supported: a stored response's body is read as Body.As<string>() or Body.As<JObject>()");
        }
    }

    /// <summary><c>….Body.As&lt;JObject&gt;()["a"][0]</c>: the bound read, or null when the indexers stand on something else.</summary>
    private Bound? JsonPathOf(IndexSyntax indexer)
    {
        var indexes = new List<Syntax>();
        Syntax target = indexer;
        while (target is IndexSyntax index)
        {
            indexes.Add(index.Index);
            target = index.Target;
        }

        if (target is not CallSyntax { Method: { Name: "As", Target: MemberSyntax { Name: "Body" } body } } call || ResponseOf(body.Target) is not { } variable)
        {
            return null;
        }

        indexes.Reverse();
        var path = new JsonStep[indexes.Count];
        for (var i = 0; i < path.Length; i++)
        {
            var step = Bind(indexes[i]);
            path[i] = step switch
            {
                { IsConstant: true, Type: ExpressionType.String } => new JsonStep(step.String(null!), 0),
                { IsConstant: true, Type: ExpressionType.Int } => new JsonStep(null, step.Int(null!)),
                _ => throw new ExpressionException(Start(indexes[i]), "a JSON path step must be a string literal (a property) or a whole number (an array index)"),
            };
        }

        return BodyAs(call, variable, path);
    }
}
