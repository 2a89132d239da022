# Syscall-order audit of one nearmiss-intake run (security-anchors.md
# 5.3.1), over strace -f -e trace=openat,fsync,renameat,renameat2,
# unlinkat,exit_group output.  For the main process (the first pid seen),
# the durable-store sequence is: O_EXCL create of an item, fsync of it,
# rename into new/, fsync of new/.  With -v ack=unlinkat (maildir) each
# unlinkat, the removal of the source message, and with -v ack=exit
# (mail) the exit_group(0) that acknowledges the message, must come
# after a complete sequence since the previous one.  Prints
# "acks N bad N".
$1 ~ /^[0-9]+$/ && main == "" { main = $1 }
$1 != main { next }
/openat\([0-9]+, "[0-9a-f]+", O_WRONLY\|O_CREAT\|O_EXCL/ { state = 1; next }
/fsync\(/ && state == 1 { state = 2; next }
/renamea?t?2?\(/ && state == 2 { state = 3; next }
/fsync\(/ && state == 3 { state = 4; next }
(ack == "unlinkat" && /unlinkat\(/) || (ack == "exit" && /exit_group\(0\)/) {
	acks++
	if (state != 4)
		bad++
	state = 0
}
END { printf "acks %d bad %d\n", acks, bad }
