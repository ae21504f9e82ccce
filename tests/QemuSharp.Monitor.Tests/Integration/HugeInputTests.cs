namespace QemuSharp.Monitor.Tests.Integration;

/// <summary>
/// Inputs too slow to send to QEMU itself (it reads QMP one byte per main-loop turn): a 10 MB
/// line, 3 Mi tokens, 1100 levels of nesting. QEMU's limits give QEMU's errors and the
/// monitors keep serving.
/// </summary>
public class HugeInputTests
{
    [Fact]
    public void ShouldAnswerHugeInputWithQemuLimitsAndKeepServing()
    {
        var result = Emulator.RunScript("python3", "qmp_bad_input.py", ["--big"], Emulator.Ours);
        string output = result.Stdout;
        Assert.Contains("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON nesting depth limit exceeded\"}}\n" +
                        "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command no-such has not been found\"}}\n" +
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON token count limit exceeded\"}}\n" +
                        "{\"return\": {}}\n", output);
        Assert.EndsWith("exit=0\n", output);
    }
}
