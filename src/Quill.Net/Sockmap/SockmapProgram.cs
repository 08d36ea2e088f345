namespace Quill.Net.Sockmap;

/// <summary>
/// The stream-verdict program, assembled here rather than compiled with clang, so quill needs no BPF toolchain or
/// object file at run time. In C it is
/// <code>
/// int verdict(struct __sk_buff *skb) {
///     if (skb->len == 0) return SK_DROP;          // the empty skb a FIN leaves; redirected, it would fail the peer
///     __u64 cookie = bpf_get_socket_cookie(skb);  // the socket the bytes arrived on
///     __s64 *budget = bpf_map_lookup_elem(&amp;budgets, &amp;cookie);
///     if (!budget) {                              // the socket's first bytes: a whole budget, less these
///         __s64 rest = BUDGET - skb->len;
///         bpf_map_update_elem(&amp;budgets, &amp;cookie, &amp;rest, BPF_NOEXIST);
///     } else {
///         __s64 before = __sync_fetch_and_add(budget, -(__s64)skb->len);
///         if (before > 0 &amp;&amp; before &lt;= skb->len                  // this skb spent the budget: quill must look
///             &amp;&amp; bpf_ringbuf_output(&amp;spent, &amp;cookie, 8, BPF_RB_FORCE_WAKEUP) != 0)
///             *budget = 1;                        // the ring was full: the next skb tries again
///     }
///     return bpf_sk_redirect_hash(skb, &amp;targets, &amp;cookie, 0);  // out of the other socket of its connection
/// }
/// </code>
/// <c>targets</c> holds each relayed socket under its partner's cookie, so the socket a client's bytes arrive on
/// names the server socket they leave by, and back. Flags 0 means egress: the bytes are sent, not received.
/// <c>budgets</c> holds, per source socket, how many more bytes the kernel may take from it before quill looks at
/// how much of them the destination has not taken yet (<see cref="SockmapPressure"/>); quill refills it or pauses the
/// source. The program cannot hold an skb back (the bytes are acknowledged already), so it only ever says when. Each
/// record wakes the reader (BPF_RB_FORCE_WAKEUP): one comes per megabytes, and the kernel's own choice (wake only
/// when the reader has caught up) was seen to leave one unread for seconds.
/// </summary>
internal static class SockmapProgram
{
    private const int SkDrop = 0;
    private const int HelperMapLookup = 1;
    private const int HelperMapUpdate = 2;
    private const int HelperGetSocketCookie = 46;
    private const int HelperSkRedirectHash = 72;
    private const int HelperRingbufOutput = 130;
    private const int NoExist = 1;
    private const int ForceWakeup = 2;
    private const byte PseudoMapDescriptor = 1;

    // Opcodes (class | size/source | mode/operation).
    private const byte MoveRegister = 0xbf;     // BPF_ALU64 | BPF_MOV | BPF_X
    private const byte MoveImmediate = 0xb7;    // BPF_ALU64 | BPF_MOV | BPF_K
    private const byte AddImmediate = 0x07;     // BPF_ALU64 | BPF_ADD | BPF_K
    private const byte Negate = 0x87;           // BPF_ALU64 | BPF_NEG
    private const byte SubtractRegister = 0x1f; // BPF_ALU64 | BPF_SUB | BPF_X
    private const byte LoadWord = 0x61;         // BPF_LDX | BPF_W | BPF_MEM
    private const byte StoreDouble = 0x7b;      // BPF_STX | BPF_DW | BPF_MEM
    private const byte StoreImmediateDouble = 0x7a; // BPF_ST | BPF_DW | BPF_MEM
    private const byte AtomicDouble = 0xdb;     // BPF_STX | BPF_DW | BPF_ATOMIC
    private const int AddAndFetch = 0x01;       // BPF_ADD | BPF_FETCH: the source register gets the value before
    private const byte LoadImmediate64 = 0x18;  // BPF_LD | BPF_DW | BPF_IMM, two slots
    private const byte JumpIfNotEqual = 0x55;   // BPF_JMP | BPF_JNE | BPF_K
    private const byte JumpIfEqual = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K
    private const byte JumpIfSignedAtMost = 0xd5;   // BPF_JMP | BPF_JSLE | BPF_K
    private const byte JumpIfSignedAbove = 0x6d;    // BPF_JMP | BPF_JSGT | BPF_X
    private const byte Jump = 0x05;             // BPF_JMP | BPF_JA
    private const byte Call = 0x85;
    private const byte Exit = 0x95;

    private const byte Result = 0, Context = 1, Argument2 = 2, Argument3 = 3, Argument4 = 4, Saved = 6, Length = 7,
        Budget = 8, FramePointer = 10;

    private const short CookieSlot = -8, RestSlot = -16;

    /// <param name="budget">Bytes a source socket's first budget allows (see <see cref="SockmapPressure.Budget"/>).</param>
    public static ulong[] Verdict(int targetsMap, int budgetsMap, int spentRing, int budget) =>
    [
        /*  0 */ Instruction(LoadWord, Length, Context, 0, 0),              // r7 = skb->len
        /*  1 */ Instruction(JumpIfNotEqual, Length, 0, 2, 0),              // if r7 != 0 to 4
        /*  2 */ Instruction(MoveImmediate, Result, 0, 0, SkDrop),
        /*  3 */ Instruction(Exit, 0, 0, 0, 0),
        /*  4 */ Instruction(MoveRegister, Saved, Context, 0, 0),           // r6 = skb
        /*  5 */ Instruction(Call, 0, 0, 0, HelperGetSocketCookie),         // r0 = cookie(skb)
        /*  6 */ Instruction(StoreDouble, FramePointer, Result, CookieSlot, 0), // cookie = r0
        /*  7 */ Instruction(LoadImmediate64, Context, PseudoMapDescriptor, 0, budgetsMap), // r1 = &budgets
        /*  8 */ 0,
        /*  9 */ Instruction(MoveRegister, Argument2, FramePointer, 0, 0),  // r2 = &cookie
        /* 10 */ Instruction(AddImmediate, Argument2, 0, 0, CookieSlot),
        /* 11 */ Instruction(Call, 0, 0, 0, HelperMapLookup),               // r0 = budget, or null
        /* 12 */ Instruction(JumpIfEqual, Result, 0, 16, 0),                // null: to 29, the first budget
        /* 13 */ Instruction(MoveRegister, Budget, Result, 0, 0),           // r8 = budget
        /* 14 */ Instruction(MoveRegister, Argument2, Length, 0, 0),        // r2 = -len
        /* 15 */ Instruction(Negate, Argument2, 0, 0, 0),
        /* 16 */ Instruction(AtomicDouble, Budget, Argument2, 0, AddAndFetch), // r2 = *budget; *budget -= len
        /* 17 */ Instruction(JumpIfSignedAtMost, Argument2, 0, 22, 0),      // spent before: to 40
        /* 18 */ Instruction(JumpIfSignedAbove, Argument2, Length, 21, 0),  // not spent now: to 40
        /* 19 */ Instruction(LoadImmediate64, Context, PseudoMapDescriptor, 0, spentRing), // r1 = &spent
        /* 20 */ 0,
        /* 21 */ Instruction(MoveRegister, Argument2, FramePointer, 0, 0),  // r2 = &cookie
        /* 22 */ Instruction(AddImmediate, Argument2, 0, 0, CookieSlot),
        /* 23 */ Instruction(MoveImmediate, Argument3, 0, 0, sizeof(ulong)),
        /* 24 */ Instruction(MoveImmediate, Argument4, 0, 0, ForceWakeup),
        /* 25 */ Instruction(Call, 0, 0, 0, HelperRingbufOutput),
        /* 26 */ Instruction(JumpIfEqual, Result, 0, 13, 0),                // sent: to 40
        /* 27 */ Instruction(StoreImmediateDouble, Budget, 0, 0, 1),        // *budget = 1
        /* 28 */ Instruction(Jump, 0, 0, 11, 0),                            // to 40
        /* 29 */ Instruction(MoveImmediate, Argument2, 0, 0, budget),       // rest = budget - len
        /* 30 */ Instruction(SubtractRegister, Argument2, Length, 0, 0),
        /* 31 */ Instruction(StoreDouble, FramePointer, Argument2, RestSlot, 0),
        /* 32 */ Instruction(LoadImmediate64, Context, PseudoMapDescriptor, 0, budgetsMap), // r1 = &budgets
        /* 33 */ 0,
        /* 34 */ Instruction(MoveRegister, Argument2, FramePointer, 0, 0),  // r2 = &cookie
        /* 35 */ Instruction(AddImmediate, Argument2, 0, 0, CookieSlot),
        /* 36 */ Instruction(MoveRegister, Argument3, FramePointer, 0, 0),  // r3 = &rest
        /* 37 */ Instruction(AddImmediate, Argument3, 0, 0, RestSlot),
        /* 38 */ Instruction(MoveImmediate, Argument4, 0, 0, NoExist),
        /* 39 */ Instruction(Call, 0, 0, 0, HelperMapUpdate),
        /* 40 */ Instruction(MoveRegister, Context, Saved, 0, 0),           // r1 = skb
        /* 41 */ Instruction(LoadImmediate64, Argument2, PseudoMapDescriptor, 0, targetsMap), // r2 = &targets
        /* 42 */ 0,
        /* 43 */ Instruction(MoveRegister, Argument3, FramePointer, 0, 0),  // r3 = &cookie
        /* 44 */ Instruction(AddImmediate, Argument3, 0, 0, CookieSlot),
        /* 45 */ Instruction(MoveImmediate, Argument4, 0, 0, 0),            // r4 = 0: egress
        /* 46 */ Instruction(Call, 0, 0, 0, HelperSkRedirectHash),
        /* 47 */ Instruction(Exit, 0, 0, 0, 0),
    ];

    /// <summary>struct bpf_insn: opcode, destination and source registers in one byte, offset, immediate.</summary>
    private static ulong Instruction(byte opcode, byte destination, byte source, short offset, int immediate) =>
        opcode | (ulong)(byte)(destination | source << 4) << 8 | (ulong)(ushort)offset << 16 | (ulong)(uint)immediate << 32;
}
