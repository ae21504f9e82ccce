using System.Buffers.Binary;
using QemuSharp.Target.X86.X87;

namespace QemuSharp.Target.X86.Tests.X87;

/// <summary>Runs an oracle case on <see cref="X87State"/> and produces the oracle's output layout.</summary>
internal static class X87Simulator
{
    public static void Run(OracleCase k, Span<byte> result)
    {
        var fpu = new X87State { ControlWord = k.ControlWord };
        Span<byte> mem = result[108..118];
        k.B.Write(mem);
        if (k.Setup == 3)
        {
            for (int i = 0; i < 6; i++)
            {
                fpu.LoadConstant(X87Constant.Zero);
            }
        }
        if (k.Setup is 0 or 3)
        {
            fpu.Push(k.B);
        }
        if (k.Setup is 0 or 1 or 3)
        {
            fpu.Push(k.A);
        }
        Execute(fpu, k.Op, mem);
        fpu.Save(result[..108]);
    }

    private static void Execute(X87State fpu, OracleOp op, Span<byte> mem)
    {
        X87Flags f = X87Flags.None;
        switch (op)
        {
            case <= OracleOp.Fdivr:
                fpu.ArithRegisters((X87ArithOp)ArithIndex(op), 0, 1, false);
                break;
            case OracleOp.Fsqrt:
                fpu.Unary(X87UnaryOp.SquareRoot);
                break;
            case OracleOp.Frndint:
                fpu.Unary(X87UnaryOp.RoundToInteger);
                break;
            case OracleOp.Fcom or OracleOp.Fucom:
                fpu.CompareRegister(1, op == OracleOp.Fcom, 0);
                break;
            case OracleOp.Fprem:
                fpu.Binary(X87BinaryOp.PartialRemainder);
                break;
            case OracleOp.Fprem1:
                fpu.Binary(X87BinaryOp.IeeeRemainder);
                break;
            case OracleOp.Fscale:
                fpu.Binary(X87BinaryOp.Scale);
                break;
            case OracleOp.Fxtract:
                fpu.Extract();
                break;
            case OracleOp.Fsin:
                fpu.Unary(X87UnaryOp.Sine);
                break;
            case OracleOp.Fcos:
                fpu.Unary(X87UnaryOp.Cosine);
                break;
            case OracleOp.Fsincos:
                fpu.SineCosine();
                break;
            case OracleOp.Fptan:
                fpu.PartialTangent();
                break;
            case OracleOp.Fpatan:
                fpu.Binary(X87BinaryOp.ArcTangent);
                break;
            case OracleOp.Fyl2x:
                fpu.Binary(X87BinaryOp.YLog2X);
                break;
            case OracleOp.Fyl2xp1:
                fpu.Binary(X87BinaryOp.YLog2XPlus1);
                break;
            case OracleOp.F2xm1:
                fpu.Unary(X87UnaryOp.Exp2Minus1);
                break;
            case OracleOp.Fxam:
                fpu.Examine();
                break;
            case OracleOp.Ftst:
                fpu.Test();
                break;
            case OracleOp.FstM32:
                if (fpu.StoreSingle(false, out uint single))
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(mem, single);
                }
                break;
            case OracleOp.FstM64:
                if (fpu.StoreDouble(false, out ulong dbl))
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(mem, dbl);
                }
                break;
            case >= OracleOp.FistM16 and <= OracleOp.FisttpM64:
                StoreInteger(fpu, op, mem);
                break;
            case OracleOp.Fbstp:
                Span<byte> bcd = stackalloc byte[10];
                if (fpu.StorePackedBcd(bcd))
                {
                    bcd.CopyTo(mem);
                }
                break;
            case OracleOp.FldM32:
                fpu.Push(Float80.FromSingle(BinaryPrimitives.ReadUInt32LittleEndian(mem), ref f), f);
                break;
            case OracleOp.FldM64:
                fpu.Push(Float80.FromDouble(BinaryPrimitives.ReadUInt64LittleEndian(mem), ref f), f);
                break;
            case OracleOp.FildM16:
                fpu.Push(Float80.FromInt64(BinaryPrimitives.ReadInt16LittleEndian(mem)));
                break;
            case OracleOp.FildM32:
                fpu.Push(Float80.FromInt64(BinaryPrimitives.ReadInt32LittleEndian(mem)));
                break;
            case OracleOp.FildM64:
                fpu.Push(Float80.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(mem)));
                break;
            case OracleOp.Fbld:
                fpu.Push(Float80.FromPackedBcd(mem));
                break;
            case OracleOp.FaddM64:
                fpu.Arith(X87ArithOp.Add, Float80.FromDouble(BinaryPrimitives.ReadUInt64LittleEndian(mem), ref f, false), f);
                break;
            case OracleOp.FdivM32:
                fpu.Arith(X87ArithOp.Divide, Float80.FromSingle(BinaryPrimitives.ReadUInt32LittleEndian(mem), ref f, false), f);
                break;
            case OracleOp.Fxch:
                fpu.Exchange(1);
                break;
            case OracleOp.Fchs or OracleOp.Fabs:
                fpu.ChangeSign(op == OracleOp.Fabs);
                break;
            case >= OracleOp.Fld1 and <= OracleOp.Fldz:
                fpu.LoadConstant((X87Constant)(op - OracleOp.Fld1));
                break;
            case OracleOp.Fcomi or OracleOp.Fucomi:
                _ = fpu.CompareToEflags(1, op == OracleOp.Fcomi, false);
                break;
            case OracleOp.FstSt1:
                fpu.StoreRegister(1, false);
                break;
            case OracleOp.Fincstp:
                fpu.IncrementTop();
                break;
            case OracleOp.Fdecstp:
                fpu.DecrementTop();
                break;
            case OracleOp.Ffree:
                fpu.Free(1);
                break;
            case OracleOp.FldSt1:
                fpu.PushRegister(1);
                break;
            case OracleOp.Fcompp:
                fpu.CompareRegister(1, true, 2);
                break;
            case OracleOp.Fnclex:
                fpu.ClearExceptions();
                break;
            case OracleOp.FcomM64:
                fpu.Compare(Float80.FromDouble(BinaryPrimitives.ReadUInt64LittleEndian(mem), ref f, false), true, 0, f);
                break;
            case OracleOp.FiaddM32:
                fpu.Arith(X87ArithOp.Add, Float80.FromInt64(BinaryPrimitives.ReadInt32LittleEndian(mem)));
                break;
            case OracleOp.FsubrM32:
                fpu.Arith(X87ArithOp.SubtractReverse,
                    Float80.FromSingle(BinaryPrimitives.ReadUInt32LittleEndian(mem), ref f, false), f);
                break;
            case OracleOp.Fucomip:
                _ = fpu.CompareToEflags(1, false, true);
                break;
        }
    }

    private static int ArithIndex(OracleOp op) => op switch
    {
        OracleOp.Fadd => (int)X87ArithOp.Add,
        OracleOp.Fsub => (int)X87ArithOp.Subtract,
        OracleOp.Fsubr => (int)X87ArithOp.SubtractReverse,
        OracleOp.Fmul => (int)X87ArithOp.Multiply,
        OracleOp.Fdiv => (int)X87ArithOp.Divide,
        _ => (int)X87ArithOp.DivideReverse,
    };

    private static void StoreInteger(X87State fpu, OracleOp op, Span<byte> mem)
    {
        (int bits, bool truncate, bool pop) = op switch
        {
            OracleOp.FistM16 => (16, false, false),
            OracleOp.FistM32 => (32, false, false),
            OracleOp.FistpM64 => (64, false, true),
            OracleOp.FisttpM16 => (16, true, true),
            OracleOp.FisttpM32 => (32, true, true),
            _ => (64, true, true),
        };
        if (fpu.StoreInteger(bits, truncate, pop, out long value))
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            bytes[..(bits / 8)].CopyTo(mem);
        }
    }
}
