# Reads `perf script -F comm,ip,sym,dso` of a cpu-clock profile recorded
# with call graphs and prints "SAMPLES COMM CLASS" lines.  Kernel time is charged to
# the system call it was spent in, named by the libc wrapper that made it
# ("sys:mount"), or to page faults, or to the return from fork; user time
# to its library ("user:libc.so.6").
function flush(   i, cls, sys) {
	if (!n)
		return
	cls = ""
	if (kernel) {
		for (i = 1; i <= n && cls == ""; i++)
			if (fr[i] ~ /exc_page_fault/)
				cls = "page_fault"
		for (i = 1; i <= n && cls == ""; i++)
			if (fr[i] ~ /^entry_SYSCALL/)
				sys = i
		if (cls == "" && sys && sys < n) {
			cls = fr[sys + 1]
			sub(/^(__GI_)?_*(libc_)?/, "", cls)
			sub(/_nocancel.*/, "", cls)
			sub(/64$/, "", cls)
			cls = "sys:" cls
		}
		for (i = 1; i <= n && cls == ""; i++)
			if (fr[i] ~ /^(ret_from_fork|schedule_tail)/)
				cls = "ret_from_fork"
		if (cls == "")
			cls = "kernel:" fr[1]
	} else {
		cls = "user:" dso
	}
	count[comm " " cls]++
	n = 0
	sys = 0
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
