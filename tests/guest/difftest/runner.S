# Runs one randomly generated instruction sequence with given registers and flags, then records
# every register and the flags. Used natively and under the emulator by the differential tests.
        .intel_syntax noprefix
        .text
        .globl run_case
# void run_case(const uint64_t *in, uint64_t *out, void *code)
#   in/out: 16 GPRs in encoding order (RSP ignored) then RFLAGS.
run_case:
        push rbx
        push rbp
        push r12
        push r13
        push r14
        push r15
        mov [rip + saved_rsp], rsp
        mov [rip + out_ptr], rsi
        mov [rip + code_ptr], rdx
        push qword ptr [rdi + 128]
        popfq
        mov rax, [rdi + 0]
        mov rcx, [rdi + 8]
        mov rdx, [rdi + 16]
        mov rbx, [rdi + 24]
        mov rbp, [rdi + 40]
        mov rsi, [rdi + 48]
        mov r8,  [rdi + 64]
        mov r9,  [rdi + 72]
        mov r10, [rdi + 80]
        mov r11, [rdi + 88]
        mov r12, [rdi + 96]
        mov r13, [rdi + 104]
        mov r14, [rdi + 112]
        mov r15, [rdi + 120]
        mov rdi, [rdi + 56]
        jmp qword ptr [rip + code_ptr]

        .globl save_state
# The generated code ends with "jmp [rip+0]; .quad save_state".
save_state:
        pushfq
        mov [rip + tmp_rax], rax
        mov rax, [rip + out_ptr]
        mov [rax + 8], rcx
        mov [rax + 16], rdx
        mov [rax + 24], rbx
        mov [rax + 40], rbp
        mov [rax + 48], rsi
        mov [rax + 56], rdi
        mov [rax + 64], r8
        mov [rax + 72], r9
        mov [rax + 80], r10
        mov [rax + 88], r11
        mov [rax + 96], r12
        mov [rax + 104], r13
        mov [rax + 112], r14
        mov [rax + 120], r15
        pop qword ptr [rax + 128]
        mov rcx, [rip + tmp_rax]
        mov [rax], rcx
        mov qword ptr [rax + 32], 0
        mov rsp, [rip + saved_rsp]
        pop r15
        pop r14
        pop r13
        pop r12
        pop rbp
        pop rbx
        ret

        .bss
        .align 8
saved_rsp: .quad 0
out_ptr:   .quad 0
code_ptr:  .quad 0
tmp_rax:   .quad 0
        .section .note.GNU-stack,"",@progbits
