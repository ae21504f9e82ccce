namespace QemuSharp.LinuxUser.Syscalls;

internal sealed unsafe partial class SyscallDispatcher
{
    private long Call(GuestThread t, long nr, long a1, long a2, long a3, long a4, long a5, long a6)
    {
        switch (nr)
        {
            // Files and descriptors
            case 0: return WithBuf(0, 1, a3, true, a1, a2, a3);                       // read
            case 1: return CheckPipe(WithBuf(1, 1, a3, false, a1, a2, a3));            // write
            case 2: return Open(-100, a1, a2, a3);                                     // open
            case 3: case 32: case 33: case 292: case 8: case 74: case 75: case 77: case 81: case 91: case 93: case 73:
            case 285: case 291: case 290: case 283: case 284: case 124: case 121: case 109: case 111: case 112:
                return Plain(nr, a1, a2, a3, a4, a5, a6);                              // close, dup*, lseek, fsync, ftruncate, fchdir...
            case 4: case 6: return WithPath(nr, 0, a1, a2, bufArg: 1, bufLen: 144);   // stat, lstat
            case 5: return WithBuf(5, 1, 144, true, a1, a2);                          // fstat
            case 7: return WithBuf(7, 0, a2 * 8, true, a1, a2, a3);                    // poll
            case 17: return WithBuf(17, 1, a3, true, a1, a2, a3, a4);                  // pread64
            case 18: return WithBuf(18, 1, a3, false, a1, a2, a3, a4);                 // pwrite64
            case 19: case 20: case 295: case 296: return Vectored(nr, a1, a2, a3, a4, a5); // readv, writev, preadv, pwritev
            case 21: return WithPath(21, 0, a1, a2);                                   // access
            case 22: return WithBuf(22, 0, 8, true, a1);                               // pipe
            case 293: return WithBuf(293, 0, 8, true, a1, a2);                         // pipe2
            case 23: return Select(a1, a2, a3, a4, a5, timespec: false);               // select
            case 270: return PSelectMask(t, a6) is var m && m != 0 ? m : Select(a1, a2, a3, a4, a5, timespec: true); // pselect6
            case 271: return SignalMaskFor(t, a4) is var m2 && m2 != 0 ? m2 : PPoll(a1, a2, a3, a4, a5); // ppoll
            case 16: return Ioctl(a1, a2, a3);
            case 72: return Fcntl(a1, a2, a3);
            case 40: return WithBuf(40, 2, 8, true, a1, a2, a3, a4);                   // sendfile
            case 78: case 217: return WithBuf(nr, 1, a3, true, a1, a2, a3);            // getdents, getdents64
            case 79: return WithBuf(79, 0, a2, true, a1, a2);                          // getcwd
            case 80: case 84: case 87: case 161: case 163: case 76: return WithPath(nr, 0, a1, a2, a3); // chdir, rmdir, unlink, chroot, acct, truncate
            case 82: case 86: case 88: return WithTwoPaths(nr, 0, 1, a1, a2);          // rename, link, symlink
            case 83: case 90: case 85: return WithPath(nr, 0, a1, a2, a3);        // mkdir, chmod, creat
            case 92: case 94: return WithPath(nr, 0, a1, a2, a3);                      // chown, lchown
            case 89: return ReadLink(-100, a1, a2, a3);                                // readlink
            case 267: return ReadLink(a1, a2, a3, a4);                                 // readlinkat
            case 133: return WithPath(133, 0, a1, a2, a3);                             // mknod
            case 137: return WithPath(137, 0, a1, a2, bufArg: 1, bufLen: 120);         // statfs
            case 138: return WithBuf(138, 1, 120, true, a1, a2);                       // fstatfs
            case 257: return Open(a1, a2, a3, a4);                                     // openat
            case 258: case 259: case 263: case 268: case 269: case 439:                // mkdirat, mknodat, unlinkat, fchmodat, faccessat(2)
                return WithPath(nr, 1, a1, a2, a3, a4);
            case 260: return WithPath(260, 1, a1, a2, a3, a4, a5);                     // fchownat
            case 262: return WithPath(262, 1, a1, a2, a3, a4, bufArg: 2, bufLen: 144); // newfstatat
            case 332: return WithPath(332, 1, a1, a2, a3, a4, a5, bufArg: 4, bufLen: 256); // statx
            case 264: case 316: return WithTwoPaths(nr, 1, 3, a1, a2, a3, a4, a5);    // renameat, renameat2
            case 265: return WithTwoPaths(265, 1, 3, a1, a2, a3, a4, a5);              // linkat
            case 266: return WithTwoPaths(266, 0, 2, a1, a2, a3);                      // symlinkat
            case 280: return a2 == 0 ? WithBuf(280, 2, 32, false, a1, a2, a3, a4) : WithPath(280, 1, a1, a2, a3, a4, bufArg: 2, bufLen: 32, kernelWrites: false);
            case 326: return CopyFileRange(a1, a2, a3, a4, a5, a6);
            // Memory
            case 9: return Mmap(a1, a2, (int)a3, (int)a4, (int)a5, a6);
            case 10: return Mprotect(a1, a2, (int)a3);
            case 11: return Munmap(a1, a2);
            case 12: return BrkCall(a1);
            case 25: return Mremap(a1, a2, a3, (int)a4, a5);
            case 26: case 28: return MemoryAdvice(nr, a1, a2, a3);                     // msync, madvise
            case 27: return WithBuf(27, 2, (a2 + 4095) / 4096, true, a1, a2, a3);      // mincore
            case 149: case 150: case 151: case 152: return 0;                          // mlock, munlock, mlockall, munlockall
            // Process, threads, signals
            case 39: case 110: case 102: case 104: case 107: case 108: case 186: case 24:
                return Plain(nr);                                                      // getpid, getppid, getuid, ... gettid, sched_yield
            case 105: case 106: case 113: case 114: case 117: case 119: case 122: case 123: case 95:
                return Plain(nr, a1, a2, a3);                                          // setuid..., umask
            case 115: return WithBuf(115, 1, a1 * 4, true, a1, a2);                   // getgroups
            case 118: case 120: return GetResIds(nr, a1, a2, a3);                      // getresuid, getresgid
            case 60: return Exit((int)a1, group: false);
            case 231: return Exit((int)a1, group: true);
            case 62: return Kill(a1, a2);
            case 200: return ThreadKill(-1, a1, a2);                                   // tkill
            case 234: return ThreadKill(a1, a2, a3);                                   // tgkill
            case 13: return SigAction((int)a1, a2, a3, a4);
            case 14: return SigProcMask(t, (int)a1, a2, a3, a4);
            case 15: return SigReturn(t);
            case 127: return SigPending(t, a1, a2);
            case 128: return SigTimedWait(t, a1, a2, a3, a4);
            case 129: return SigQueueInfo(a1, 0, a2, a3);                              // rt_sigqueueinfo
            case 297: return SigQueueInfo(a1, a2, a3, a4);                             // rt_tgsigqueueinfo
            case 130: return SigSuspend(t, a1, a2);
            case 131: return SigAltStack(t, a1, a2);
            case 34: return Pause(t);
            case 37: return Plain(37, a1);                                             // alarm: the host's SIGALRM comes back as a guest signal
            case 36: return WithBuf(36, 1, 32, true, a1, a2);                          // getitimer (struct itimerval: 32 bytes)
            case 38: return SetITimer(a1, a2, a3);
            case 222: return TimerCreate(a1, a2, a3);
            case 223: return TimerSetTime(a1, a2, a3, a4);
            case 224: return WithBuf(224, 1, 32, true, a1, a2);                        // timer_gettime
            case 225: case 226: return Plain(nr, a1);                                  // timer_getoverrun, timer_delete
            case 61: return Wait4(a1, a2, a3, a4);
            case 59: return Execve(t, a1, a2, a3);
            case 56: return Clone(t, a1, a2, a3, a4, a5);
            case 57: case 58: return Clone(t, 17, 0, 0, 0, 0);                         // fork, vfork
            case 218: t.ClearChildTid = (ulong)a1; return Plain(186);                  // set_tid_address
            case 273: return 0;                                                        // set_robust_list
            case 334: return -ENOSYS;                                                  // rseq
            case 435: return -ENOSYS;                                                  // clone3: glibc falls back to clone
            case 158: return ArchPrctl(t, a1, a2);
            case 157: return Prctl(a1, a2, a3, a4, a5);
            case 202: return Futex(a1, a2, a3, a4, a5, a6);
            case 63: return WithBuf(63, 0, 390, true, a1);                             // uname
            case 97: return WithBuf(97, 1, 16, true, a1, a2);                          // getrlimit
            case 160: return WithBuf(160, 1, 16, false, a1, a2);                       // setrlimit
            case 302: return PrLimit(a1, a2, a3, a4);
            case 98: return WithBuf(98, 1, 144, true, a1, a2);                         // getrusage
            case 99: return WithBuf(99, 0, 112, true, a1);                             // sysinfo
            case 100: return WithBuf(100, 0, 32, true, a1);                            // times
            case 204: return WithBuf(204, 2, a2, true, a1, a2, a3);                    // sched_getaffinity
            case 203: return 0;                                                        // sched_setaffinity
            case 143: case 144: case 145: case 146: case 147: case 148: return SchedParams(nr, a1, a2, a3);
            case 318: return WithBuf(318, 0, a2, true, a1, a2, a3);                    // getrandom
            // Time
            case 35: return Sleep(35, a1, a2, 0, 0);                                   // nanosleep
            case 230: return Sleep(230, a3, a4, a1, a2);                               // clock_nanosleep
            case 96: return WithBuf(96, 0, 16, true, a1);                              // gettimeofday (tz ignored)
            case 201: return Time(a1);
            case 228: case 229: return WithBuf(nr, 1, 16, true, a1, a2);               // clock_gettime, clock_getres
            // Sockets
            case 41: case 48: case 50: return Plain(nr, a1, a2, a3, a4);
            case 42: case 49: return WithBuf(nr, 1, a3, false, a1, a2, a3);            // connect, bind
            case 43: case 288: return Accept(nr, a1, a2, a3, a4);                      // accept, accept4
            case 44: return SendTo(a1, a2, a3, a4, a5, a6);
            case 45: return RecvFrom(a1, a2, a3, a4, a5, a6);
            case 51: case 52: return Accept(nr, a1, a2, a3, 0);                        // getsockname, getpeername
            case 53: return WithBuf(53, 3, 8, true, a1, a2, a3, a4);                   // socketpair
            case 54: return WithBuf(54, 3, a5, false, a1, a2, a3, a4, a5);             // setsockopt
            case 55: return GetSockOpt(a1, a2, a3, a4, a5);
            case 46: return MsgCall(46, a1, a2, a3);                                   // sendmsg
            case 47: return MsgCall(47, a1, a2, a3);                                   // recvmsg
            // Event notification
            case 213: return Plain(nr, a1, a2);
            case 233: return WithBuf(233, 3, 12, false, a1, a2, a3, a4);               // epoll_ctl
            case 232: return WithBuf(232, 1, a3 * 12, true, a1, a2, a3, a4);           // epoll_wait
            case 281: return SignalMaskFor(t, a5) is var m3 && m3 != 0 ? m3 : WithBuf(281, 1, a3 * 12, true, a1, a2, a3, a4, 0, 8); // epoll_pwait
            case 286: return TimerFdSet(a1, a2, a3, a4);
            case 162: return Plain(162);                                               // sync
            default:
                return -ENOSYS;
        }
    }
}
