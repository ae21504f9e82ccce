using Iced.Intel;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Translate;

/// <summary>
/// Whether the chosen CPU model has the features an instruction needs: an instruction from an
/// extension that the model's CPUID does not report raises #UD, as on that processor.
/// </summary>
public static class FeatureCheck
{
    public static bool Supported(in Instruction i, CpuModel model)
    {
        // Without BMI1/LZCNT the F3-prefixed encodings of TZCNT and LZCNT are BSF and BSR.
        if (i.Mnemonic is Mnemonic.Tzcnt or Mnemonic.Lzcnt)
            return true;
        foreach (CpuidFeature f in i.CpuidFeatures)
        {
            bool ok = f switch
            {
                CpuidFeature.SSE3 => (model.Leaf1Ecx & CpuModel.Sse3) != 0,
                CpuidFeature.SSSE3 => (model.Leaf1Ecx & CpuModel.Ssse3) != 0,
                CpuidFeature.SSE4_1 => (model.Leaf1Ecx & CpuModel.Sse41) != 0,
                CpuidFeature.SSE4_2 => (model.Leaf1Ecx & CpuModel.Sse42) != 0,
                CpuidFeature.POPCNT => (model.Leaf1Ecx & CpuModel.Popcnt) != 0,
                CpuidFeature.MOVBE => (model.Leaf1Ecx & CpuModel.Movbe) != 0,
                CpuidFeature.CMPXCHG16B => (model.Leaf1Ecx & CpuModel.Cx16) != 0,
                CpuidFeature.AVX or CpuidFeature.AVX2 or CpuidFeature.AVX512F or CpuidFeature.BMI1 or CpuidFeature.BMI2
                    or CpuidFeature.ADX or CpuidFeature.RDRAND or CpuidFeature.RDSEED or CpuidFeature.RDTSCP or CpuidFeature.XSAVE
                    or CpuidFeature.FMA or CpuidFeature.F16C or CpuidFeature.AES or CpuidFeature.PCLMULQDQ or CpuidFeature.SHA => false,
                _ => true,
            };
            if (!ok)
                return false;
        }
        return true;
    }
}
