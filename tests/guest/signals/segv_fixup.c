/* A SIGSEGV handler reads si_addr, si_code and the sigcontext, repairs the faulting register through the
   ucontext and returns: the load is retried and succeeds. Also a store to a read-only page (SEGV_ACCERR). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static long good = 1234;
static void *ro_page;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    int ro = si->si_addr == ro_page;
    printf("sig %d code %d addr %#lx trapno %lld err %lld cr2-is-addr %d rax-is-base %d\n", sig, si->si_code,
           ro ? 1UL : (unsigned long)si->si_addr, g[REG_TRAPNO], g[REG_ERR], g[REG_CR2] == (greg_t)si->si_addr,
           g[REG_RAX] == (greg_t)si->si_addr - (si->si_addr == (void *)0xdead0008 ? 8 : 0));
    if (ro)
        mprotect(ro_page, 4096, PROT_READ | PROT_WRITE);
    else if (si->si_addr == (void *)0xdead0008)
        g[REG_RAX] = (greg_t)&good - 8;
    else
        g[REG_RAX] = (greg_t)&good;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    long v;
    __asm__ volatile("mov $0x10, %%rax\n\tmov (%%rax), %0" : "=r"(v) : : "rax", "memory");
    printf("loaded %ld\n", v);
    __asm__ volatile("mov $0xdead0000, %%rax\n\tmov 8(%%rax), %0" : "=r"(v) : : "rax", "memory");
    printf("loaded %ld\n", v);
    ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("read-only page holds %d\n", *(volatile int *)ro_page);
    *(volatile int *)ro_page = 7;
    printf("stored %d\n", *(int *)ro_page);
    return 0;
}
