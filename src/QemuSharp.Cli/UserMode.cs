namespace QemuSharp.Cli;

/// <summary>Front end of the <c>x86_64</c> mode (qemu-x86_64).</summary>
public static class UserMode
{
    public static int Run(string[] args) => LinuxUser.UserModeMain.Run(args);
}
