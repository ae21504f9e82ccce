namespace QemuSharp.Cli.System;

/// <summary>The texts of <c>-version</c> and <c>-h</c>.</summary>
internal static class Usage
{
    public const string VersionText =
        "QEMU emulator version 7.2.0\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n";

    public const string HelpText = """
        usage: qemu-system-x86_64 [options] [disk_image]

        'disk_image' is a raw hard disk image for IDE hard disk 0

        Standard options:
        -h or -help     display this help and exit
        -version        display version information and exit
        -machine [type=]name[,prop[=value][,...]]
                        selects emulated machine ('-machine help' for list)
                        property accel=accel1[:accel2[:...]] selects accelerator
                        supported accelerators are kvm, xen, hax, hvf, nvmm, whpx or tcg (default: tcg)
        -accel [accel=]accelerator
                        select accelerator (kvm, xen, hax, hvf, nvmm, whpx or tcg; use 'help' for a list)
        -uuid %08x-%04x-%04x-%04x-%012x
                        specify machine UUID
        -name string1[,process=string2][,debug-threads=on|off]
                        set the name of the guest

        Display options:
        -display none   select display backend type
        -nographic      disable graphical output and redirect serial I/Os to console

        Character device options:
        -chardev help
        -chardev null,id=id[,mux=on|off]
        -chardev socket,id=id[,host=host],port=port[,to=to][,ipv4=on|off][,ipv6=on|off][,nodelay=on|off]
                 [,server=on|off][,wait=on|off][,telnet=on|off][,reconnect=seconds][,mux=on|off]
        -chardev socket,id=id,path=path[,server=on|off][,wait=on|off][,telnet=on|off]
                 [,reconnect=seconds][,mux=on|off]
        -chardev socket,id=id,fd=fd[,server=on|off][,wait=on|off][,mux=on|off]
        -chardev file,id=id,path=path[,append=on|off][,mux=on|off]
        -chardev pipe,id=id,path=path[,mux=on|off]
        -chardev pty,id=id[,mux=on|off]
        -chardev stdio,id=id[,mux=on|off][,signal=on|off]
        -chardev ringbuf,id=id[,size=size]

        Debug/Expert options:
        -serial dev     redirect the serial port to char device 'dev'
        -monitor dev    redirect the monitor to char device 'dev'
        -qmp dev        like -monitor but opens in 'control' mode
        -qmp-pretty dev like -qmp but uses pretty JSON formatting
        -mon [chardev=]name[,mode=readline|control][,pretty[=on|off]]
        -pidfile file   write PID to 'file'
        -S              freeze CPU at startup (use 'c' to start execution)
        -no-user-config do not load default user-provided config files at startup
        -nodefaults     don't create default devices
        -no-reboot      exit instead of rebooting
        -no-shutdown    stop before shutdown
        -daemonize      daemonize QEMU after initializing

        During emulation, the following keys are useful:
        ctrl-alt-f      toggle full screen
        ctrl-alt-n      switch to virtual console 'n'
        ctrl-alt        toggle mouse and keyboard grab

        When using -nographic, press 'ctrl-a h' to get some help.

        See <https://qemu.org/contribute/report-a-bug> for how to report bugs.
        More information on the QEMU project at <https://qemu.org>.

        """;
}
