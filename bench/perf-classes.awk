# Reads `perf script -F comm,ip,sym,dso` of a cpu-clock profile recorded
# with call graphs and prints "SAMPLES COMM CLASS" lines.  User time is
# charged to its library ("user:libc.so.6").
#
# By default kernel time is charged to the system call it was spent in,
# named by the libc wrapper that made it ("sys:mount"), or to page
# faults, or to the return from fork.
#
# With -v storm=1 (a system-wide profile of login storms) a kernel
# sample is charged to the first of these found anywhere in its stack,
# so that the work done under the global namespace_sem shows apart:
#   lock      spinning on a contended rwsem (namespace_sem)
#   copy      copying the mount table (unshare)
#   teardown  ending a namespace and its mounts (exit, umount)
#   fault     page faults
#   fork      fork, exit and reaping of the process itself
#   kernel    any other kernel work
# and a CPU with nothing to run is "idle" (comm swapper).
function first(re,   i) {
	for (i = 1; i <= n; i++)
		if (fr[i] ~ re)
			return 1
	return 0
}

function storm_class() {
	if (comm ~ /^swapper/)
		return "idle"
	if (!kernel)
		return "user:" dso
	if (first("^(osq_lock|rwsem_spin_on_owner|rwsem_optimistic_spin|rwsem_down_(read|write)_slowpath)"))
		return "lock"
	if (first("^(copy_mnt_ns|copy_tree)$"))
		return "copy"
	if (first("^(put_mnt_ns|umount_tree|free_mnt_ns|cleanup_mnt|__cleanup_mnt|namespace_unlock|mntput_no_expire|drop_collected_mounts|free_vfsmnt|delayed_mntput)$"))
		return "teardown"
	if (first("exc_page_fault"))
		return "fault"
	if (first("^(copy_process|kernel_clone|do_exit|exit_mmap|mmput|do_wait|kernel_waitid|ret_from_fork|schedule_tail)$"))
		return "fork"
	return "kernel"
}

function syscall_class(   i, sys, cls) {
	if (!kernel)
		return "user:" dso
	if (first("exc_page_fault"))
		return "page_fault"
	for (i = 1; i <= n; i++)
		if (fr[i] ~ /^entry_SYSCALL/) {
			sys = i
			break
		}
	if (sys && sys < n) {
		cls = fr[sys + 1]
		sub(/^(__GI_)?_*(libc_)?/, "", cls)
		sub(/_nocancel.*/, "", cls)
		sub(/64$/, "", cls)
		return "sys:" cls
	}
	if (first("^(ret_from_fork|schedule_tail)"))
		return "ret_from_fork"
	return "kernel:" fr[1]
}

function flush() {
	if (!n)
		return
	count[comm " " (storm ? storm_class() : syscall_class())]++
	n = 0
}
/^[ \t]*$/ { flush(); next }
/^[^ \t]/ { flush(); comm = $1; next }
{
	sym = $2
	sub(/\+0x[0-9a-f]+$/, "", sym)
	fr[++n] = sym
	if (n == 1) {
		kernel = $0 ~ /kernel\.kallsyms/
		dso = $NF
		gsub(/[()]/, "", dso)
		sub(/.*\//, "", dso)
	}
}
END {
	flush()
	for (c in count)
		print count[c], c
}
