using System.Runtime.Intrinsics;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Iced.Intel;
using QemuSharp.Target.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>The registers one oracle case reads and writes, as the runner's 120-byte record carries them.</summary>
internal sealed class MachineState
{
    public const int RecordSize = 120;
    public const uint SigFpe = 8;

    public Xmm X0, X1, X2;
    public uint Mxcsr;
    public uint Faulted;
    public ulong Rflags, Rax, Rcx, Rdx;

    public MachineState Clone() => (MachineState)MemberwiseClone();

    public void Write(Span<byte> record, ReadOnlySpan<byte> code)
    {
        record.Clear();
        X0.CopyTo(record[0..]);
        X1.CopyTo(record[16..]);
        X2.CopyTo(record[32..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[48..], Mxcsr);
        BinaryPrimitives.WriteUInt64LittleEndian(record[56..], Rflags);
        BinaryPrimitives.WriteUInt64LittleEndian(record[64..], Rax);
        BinaryPrimitives.WriteUInt64LittleEndian(record[72..], Rcx);
        BinaryPrimitives.WriteUInt64LittleEndian(record[80..], Rdx);
        code.CopyTo(record[88..]);
    }

    public static MachineState Read(ReadOnlySpan<byte> record) => new()
    {
        X0 = Vector128.Create(record[0..16]),
        X1 = Vector128.Create(record[16..32]),
        X2 = Vector128.Create(record[32..48]),
        Mxcsr = BinaryPrimitives.ReadUInt32LittleEndian(record[48..]),
        Faulted = BinaryPrimitives.ReadUInt32LittleEndian(record[52..]),
        Rflags = BinaryPrimitives.ReadUInt64LittleEndian(record[56..]),
        Rax = BinaryPrimitives.ReadUInt64LittleEndian(record[64..]),
        Rcx = BinaryPrimitives.ReadUInt64LittleEndian(record[72..]),
        Rdx = BinaryPrimitives.ReadUInt64LittleEndian(record[80..]),
    };

    /// <summary>Differences that matter: all registers, MXCSR, the six arithmetic flags and whether it faulted.</summary>
    public bool SameAs(MachineState other)
        => X0 == other.X0 && X1 == other.X1 && X2 == other.X2 && Mxcsr == other.Mxcsr && Faulted == other.Faulted
           && Rax == other.Rax && Rcx == other.Rcx && Rdx == other.Rdx
           && (Rflags & SseEflags.Arithmetic) == (other.Rflags & SseEflags.Arithmetic);

    public override string ToString()
        => $"xmm0={Hex(X0)} xmm1={Hex(X1)} xmm2={Hex(X2)} mxcsr={Mxcsr:X4} flags={Rflags & SseEflags.Arithmetic:X3} rax={Rax:X} rcx={Rcx:X} rdx={Rdx:X}{(Faulted != 0 ? $" fault={Faulted}" : "")}";

    private static string Hex(Xmm v) => $"{v.AsUInt64().GetElement(1):X16}{v.AsUInt64().GetElement(0):X16}";
}

/// <summary>Builds the oracle runner with the machine's gcc once, and runs batches of cases through it.</summary>
internal static class HostOracle
{
    private static readonly Lazy<string> s_runner = new(Build);

    public static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static string Build()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"qemusharp-sse-oracle-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        string exe = Path.Combine(dir, "runner");
        var psi = new ProcessStartInfo("gcc", ["-O1", "-Wall", "-o", exe, Path.Combine(SourceDirectory(), "oracle", "runner.c")])
        {
            RedirectStandardError = true,
        };
        using var gcc = Process.Start(psi)!;
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException("gcc failed to build the SSE oracle runner: " + errors);
        }
        return exe;
    }

    /// <summary>The instructions' bytes followed by RET.</summary>
    public static byte[] Encode(params Instruction[] instructions)
    {
        var writer = new ByteWriter();
        Encoder encoder = Encoder.Create(64, writer);
        foreach (Instruction instruction in instructions)
        {
            encoder.Encode(instruction, 0x1000);
        }
        writer.Bytes.Add(0xC3);
        return writer.Bytes.ToArray();
    }

    /// <summary>Runs every (state, code) pair natively and returns the states after the instruction.</summary>
    public static MachineState[] Run(IReadOnlyList<(MachineState State, byte[] Code)> cases, bool underQemu = false)
    {
        byte[] input = new byte[cases.Count * MachineState.RecordSize];
        for (int i = 0; i < cases.Count; i++)
        {
            cases[i].State.Write(input.AsSpan(i * MachineState.RecordSize, MachineState.RecordSize), cases[i].Code);
        }
        var psi = new ProcessStartInfo(underQemu ? "qemu-x86_64" : s_runner.Value, underQemu ? [s_runner.Value] : [])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var runner = Process.Start(psi)!;
        var writing = Task.Run(() =>
        {
            runner.StandardInput.BaseStream.Write(input);
            runner.StandardInput.Close();
        });
        using var output = new MemoryStream();
        runner.StandardOutput.BaseStream.CopyTo(output);
        writing.Wait();
        runner.WaitForExit();
        byte[] bytes = output.ToArray();
        if (runner.ExitCode != 0 || bytes.Length != input.Length)
        {
            throw new InvalidOperationException($"oracle runner exited with {runner.ExitCode} after {bytes.Length / MachineState.RecordSize} of {cases.Count} cases");
        }
        var results = new MachineState[cases.Count];
        for (int i = 0; i < cases.Count; i++)
        {
            results[i] = MachineState.Read(bytes.AsSpan(i * MachineState.RecordSize, MachineState.RecordSize));
        }
        return results;
    }

    private sealed class ByteWriter : CodeWriter
    {
        public List<byte> Bytes { get; } = [];

        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}
