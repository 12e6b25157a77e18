using System.Reflection;

namespace Libp2p.Tests.Conventions;

/// <summary>
/// One test-naming convention for every test project: PascalCase sentences that say the behaviour
/// (<c>HalfCloseDeliversEofWhileTheOtherDirectionKeepsFlowing</c>), no underscores. This file is compiled into each
/// test assembly (tests/Libp2p.Interop.Tests links it) and checks the assembly it is in.
/// </summary>
public class TestNamingTests
{
    [Fact]
    public void EveryTestMethodNameIsPascalCase()
    {
        var tests = typeof(TestNamingTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()) // Fact, Theory and FsCheck's Property
            .ToList();
        Assert.Contains(tests, m => m.Name == nameof(EveryTestMethodNameIsPascalCase));

        var offenders = tests.Where(m => !IsPascalCase(m.Name)).Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Order().ToList();

        Assert.True(offenders.Count == 0, $"test names must be PascalCase (no underscores): {string.Join(", ", offenders)}");
    }

    [Theory]
    [InlineData("HalfCloseDeliversEof", true)]
    [InlineData("ParsesRfc4648Vectors", true)]
    [InlineData("Half_close_delivers_eof", false)]
    [InlineData("halfCloseDeliversEof", false)]
    [InlineData("Parse_RoundTrips", false)]
    public void PascalCaseMeansAnUpperCaseStartAndOnlyLettersAndDigits(string name, bool expected) =>
        Assert.Equal(expected, IsPascalCase(name));

    private static bool IsPascalCase(string name) =>
        name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
