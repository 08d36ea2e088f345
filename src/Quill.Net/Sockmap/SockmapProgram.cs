namespace Quill.Net.Sockmap;

/// <summary>
/// The stream-verdict program, assembled here rather than compiled with clang, so quill needs no BPF toolchain or
/// object file at run time. In C it is
/// <code>
/// int verdict(struct __sk_buff *skb) {
///     if (skb->len == 0) return SK_DROP;          // the empty skb a FIN leaves; redirected, it would fail the peer
///     __u64 cookie = bpf_get_socket_cookie(skb);  // the socket the bytes arrived on
///     return bpf_sk_redirect_hash(skb, &amp;targets, &amp;cookie, 0);  // out of the other socket of its connection
/// }
/// </code>
/// <c>targets</c> holds each relayed socket under its partner's cookie, so the socket a client's bytes arrive on
/// names the server socket they leave by, and back. Flags 0 means egress: the bytes are sent, not received.
/// </summary>
internal static class SockmapProgram
{
    private const int SkDrop = 0;
    private const int HelperGetSocketCookie = 46;
    private const int HelperSkRedirectHash = 72;
    private const byte PseudoMapDescriptor = 1;

    // Opcodes (class | size/source | mode/operation).
    private const byte MoveRegister = 0xbf;     // BPF_ALU64 | BPF_MOV | BPF_X
    private const byte MoveImmediate = 0xb7;    // BPF_ALU64 | BPF_MOV | BPF_K
    private const byte AddImmediate = 0x07;     // BPF_ALU64 | BPF_ADD | BPF_K
    private const byte LoadWord = 0x61;         // BPF_LDX | BPF_W | BPF_MEM
    private const byte StoreDouble = 0x7b;      // BPF_STX | BPF_DW | BPF_MEM
    private const byte LoadImmediate64 = 0x18;  // BPF_LD | BPF_DW | BPF_IMM, two slots
    private const byte JumpIfNotEqual = 0x55;   // BPF_JMP | BPF_JNE | BPF_K
    private const byte Call = 0x85;
    private const byte Exit = 0x95;

    private const byte Context = 1, Argument2 = 2, Argument3 = 3, Argument4 = 4, Result = 0, Saved = 6, FramePointer = 10;

    public static ulong[] Verdict(int targetsMap) =>
    [
        Instruction(LoadWord, Argument2, Context, 0, 0),           // r2 = skb->len
        Instruction(JumpIfNotEqual, Argument2, 0, 2, 0),           // if r2 != 0 skip the next two
        Instruction(MoveImmediate, Result, 0, 0, SkDrop),
        Instruction(Exit, 0, 0, 0, 0),
        Instruction(MoveRegister, Saved, Context, 0, 0),           // r6 = skb
        Instruction(Call, 0, 0, 0, HelperGetSocketCookie),         // r0 = cookie(skb)
        Instruction(StoreDouble, FramePointer, Result, -8, 0),     // *(u64 *)(r10 - 8) = r0
        Instruction(MoveRegister, Context, Saved, 0, 0),           // r1 = skb
        Instruction(LoadImmediate64, Argument2, PseudoMapDescriptor, 0, targetsMap), // r2 = &targets
        0,
        Instruction(MoveRegister, Argument3, FramePointer, 0, 0),  // r3 = r10 - 8 (&cookie)
        Instruction(AddImmediate, Argument3, 0, 0, -8),
        Instruction(MoveImmediate, Argument4, 0, 0, 0),            // r4 = 0: egress
        Instruction(Call, 0, 0, 0, HelperSkRedirectHash),
        Instruction(Exit, 0, 0, 0, 0),
    ];

    /// <summary>struct bpf_insn: opcode, destination and source registers in one byte, offset, immediate.</summary>
    private static ulong Instruction(byte opcode, byte destination, byte source, short offset, int immediate) =>
        opcode | (ulong)(byte)(destination | source << 4) << 8 | (ulong)(ushort)offset << 16 | (ulong)(uint)immediate << 32;
}
