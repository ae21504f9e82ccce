/* Runs one x86-64 instruction per record on the host CPU and records the machine state after it.
   stdin and stdout carry fixed 120-byte records (see struct record). The instruction reads and
   writes only xmm0-xmm2, rax, rcx, rdx, EFLAGS and MXCSR. An instruction that faults (#XM arrives
   as SIGFPE) leaves the state as the handler saw it, with faulted set to the signal number. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

struct record {
    uint8_t xmm[3][16];
    uint32_t mxcsr;
    uint32_t faulted;
    uint64_t rflags, rax, rcx, rdx;
    uint8_t code[32];
};
_Static_assert(sizeof(struct record) == 120, "record layout");

void run_record(struct record *r, void *code);
__asm__(
    ".text\n"
    ".globl run_record\n"
    "run_record:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rdi, %r15\n  mov %rsi, %r14\n"
    "  movdqu 0(%r15), %xmm0\n  movdqu 16(%r15), %xmm1\n  movdqu 32(%r15), %xmm2\n"
    "  ldmxcsr 48(%r15)\n"
    "  pushq 56(%r15)\n  popfq\n"
    "  mov 64(%r15), %rax\n  mov 72(%r15), %rcx\n  mov 80(%r15), %rdx\n"
    "  call *%r14\n"
    "  pushfq\n  popq 56(%r15)\n"
    "  stmxcsr 48(%r15)\n"
    "  movdqu %xmm0, 0(%r15)\n  movdqu %xmm1, 16(%r15)\n  movdqu %xmm2, 32(%r15)\n"
    "  mov %rax, 64(%r15)\n  mov %rcx, 72(%r15)\n  mov %rdx, 80(%r15)\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n");

static struct record *current;
static sigjmp_buf escape;

static void on_fault(int sig, siginfo_t *info, void *context)
{
    (void)info;
    ucontext_t *uc = context;
    for (int i = 0; i < 3; i++)
        memcpy(current->xmm[i], &uc->uc_mcontext.fpregs->_xmm[i], 16);
    current->mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    current->rflags = uc->uc_mcontext.gregs[REG_EFL];
    current->rax = uc->uc_mcontext.gregs[REG_RAX];
    current->rcx = uc->uc_mcontext.gregs[REG_RCX];
    current->rdx = uc->uc_mcontext.gregs[REG_RDX];
    current->faulted = (uint32_t)sig;
    siglongjmp(escape, 1);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    struct record r;
    while (fread(&r, sizeof r, 1, stdin) == 1) {
        memcpy(page, r.code, sizeof r.code);
        r.faulted = 0;
        current = &r;
        if (sigsetjmp(escape, 1) == 0)
            run_record(&r, page);
        if (fwrite(&r, sizeof r, 1, stdout) != 1)
            return 3;
    }
    return 0;
}
