namespace Backup.Providers.Tests;

public sealed class ObjectKeyTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("gateways/gw-1/rev-000001.json")]
    [InlineData(".probe/x")]
    [InlineData("unicode/ключ/键")]
    [InlineData("a b/c+d=e")]
    public void IsValid_WellFormedKey_ReturnsTrue(string key)
    {
        Assert.True(ObjectKey.IsValid(key, out var reason), reason);
    }

    [Theory]
    [InlineData("a/../b", "'..'")]
    [InlineData("/a", "starts with '/'")]
    [InlineData("a\\b", "backslash")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a\u0001b", "control character")]
    [InlineData("lock~", "reserved")]
    public void IsValid_MalformedKey_ExplainsWhy(string key, string expected)
    {
        Assert.False(ObjectKey.IsValid(key, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IsValid_KeyOverMaxLength_ReturnsFalse()
    {
        Assert.True(ObjectKey.IsValid(string.Join('/', Enumerable.Repeat(new string('a', 100), 5)), out _));
        Assert.False(ObjectKey.IsValid(string.Join('/', Enumerable.Repeat(new string('a', 100), 6)), out _));
        Assert.False(ObjectKey.IsValid(new string('a', ObjectKey.MaxSegmentLength + 1), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/")]
    [InlineData("a/b")]
    [InlineData("a/partial-na")]
    public void ValidatePrefix_WellFormedPrefix_DoesNotThrow(string prefix)
    {
        ObjectKey.ValidatePrefix(prefix);
    }
}
