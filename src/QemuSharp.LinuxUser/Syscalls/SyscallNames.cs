namespace QemuSharp.LinuxUser.Syscalls;

/// <summary>x86-64 Linux system call names for -strace.</summary>
internal static class SyscallNames
{
    private static readonly string[] Names =
    [
        "read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek", "mmap", "mprotect", "munmap", "brk",
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl", "pread64", "pwrite64", "readv", "writev", "access", "pipe",
        "select", "sched_yield", "mremap", "msync", "mincore", "madvise", "shmget", "shmat", "shmctl", "dup", "dup2", "pause",
        "nanosleep", "getitimer", "alarm", "setitimer", "getpid", "sendfile", "socket", "connect", "accept", "sendto", "recvfrom",
        "sendmsg", "recvmsg", "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair", "setsockopt", "getsockopt",
        "clone", "fork", "vfork", "execve", "exit", "wait4", "kill", "uname", "semget", "semop", "semctl", "shmdt", "msgget",
        "msgsnd", "msgrcv", "msgctl", "fcntl", "flock", "fsync", "fdatasync", "truncate", "ftruncate", "getdents", "getcwd",
        "chdir", "fchdir", "rename", "mkdir", "rmdir", "creat", "link", "unlink", "symlink", "readlink", "chmod", "fchmod",
        "chown", "fchown", "lchown", "umask", "gettimeofday", "getrlimit", "getrusage", "sysinfo", "times", "ptrace", "getuid",
        "syslog", "getgid", "setuid", "setgid", "geteuid", "getegid", "setpgid", "getppid", "getpgrp", "setsid", "setreuid",
        "setregid", "getgroups", "setgroups", "setresuid", "getresuid", "setresgid", "getresgid", "getpgid", "setfsuid",
        "setfsgid", "getsid", "capget", "capset", "rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo", "rt_sigsuspend",
        "sigaltstack", "utime", "mknod", "uselib", "personality", "ustat", "statfs", "fstatfs", "sysfs", "getpriority",
        "setpriority", "sched_setparam", "sched_getparam", "sched_setscheduler", "sched_getscheduler", "sched_get_priority_max",
        "sched_get_priority_min", "sched_rr_get_interval", "mlock", "munlock", "mlockall", "munlockall", "vhangup", "modify_ldt",
        "pivot_root", "_sysctl", "prctl", "arch_prctl",
    ];

    private static readonly Dictionary<long, string> More = new()
    {
        [186] = "gettid", [201] = "time", [202] = "futex", [204] = "sched_getaffinity", [217] = "getdents64", [218] = "set_tid_address",
        [228] = "clock_gettime", [229] = "clock_getres", [230] = "clock_nanosleep", [231] = "exit_group", [232] = "epoll_wait",
        [233] = "epoll_ctl", [234] = "tgkill", [257] = "openat", [258] = "mkdirat", [262] = "newfstatat", [263] = "unlinkat",
        [264] = "renameat", [267] = "readlinkat", [269] = "faccessat", [270] = "pselect6", [271] = "ppoll", [273] = "set_robust_list",
        [280] = "utimensat", [288] = "accept4", [292] = "dup3", [293] = "pipe2", [302] = "prlimit64", [318] = "getrandom",
        [319] = "memfd_create", [332] = "statx", [334] = "rseq", [435] = "clone3", [439] = "faccessat2",
    };

    public static string Name(long nr) =>
        nr >= 0 && nr < Names.Length ? Names[nr] : More.GetValueOrDefault(nr, $"syscall_{nr}");
}
