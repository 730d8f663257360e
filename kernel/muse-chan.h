/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MUSE channel: requests from the kernel to a userspace server and
 * their replies over one open /dev/muse, in the wire format of the FUSE
 * device (struct fuse_in_header and fuse_out_header of <linux/fuse.h>, a
 * stable UAPI). MUSE carries this transport itself, so it needs nothing
 * of fuse.ko; kernel/README.md says why.
 *
 * The rules are those of fs/fuse/dev.c for a connection whose requests
 * cannot be interrupted (FUSE's no_interrupt):
 *
 *  read()	hands out the oldest queued request, whole: a buffer smaller
 *		than FUSE_MIN_READ_BUFFER is refused with -EINVAL (nothing is
 *		taken); a request larger than the buffer fails with -EIO and
 *		the read goes on with the next one. It blocks until there is
 *		one, or returns -EAGAIN with O_NONBLOCK; -ENODEV once the
 *		channel is aborted.
 *  write()	takes one reply: a header whose len is what is written, whose
 *		error is 0 or in (-512, 0), whose unique names a request that
 *		was read and not answered yet (else -ENOENT: a second reply,
 *		a request still queued, withdrawn or never made); an error
 *		reply is the header alone, a success carries the out
 *		arguments exactly, only the last one may come shorter where
 *		the request allows it. A reply that breaks these rules once
 *		its request was found fails that request with -EIO.
 *		Notifications (unique 0) do not exist in MUSE: -EINVAL.
 *  poll()	always writable; readable when a request is queued; EPOLLERR
 *		once aborted.
 *  abort	every queued or unanswered request and every later one fails
 *		with -ENOTCONN.
 *
 * A caller waits killable while its request is queued (a fatal signal
 * withdraws it: -EINTR) and uninterruptibly once the server has read it,
 * until the reply or the abort (the server's close) ends it. Uniques are
 * even and grow, as FUSE's.
 */
#ifndef MUSE_CHAN_H
#define MUSE_CHAN_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/wait.h>

#define MUSE_MAX_IN_ARGS	3
#define MUSE_MAX_OUT_ARGS	2

struct muse_in_arg {
	u32 size;
	const void *value;
};

struct muse_out_arg {
	u32 size;
	void *value;
};

/*
 * One request: its arguments, sent after the header in order, and where
 * the reply's arguments go. The caller's memory, used until
 * muse_chan_request() returns. With out_argvar the last out argument may
 * come shorter; its size then says how much came.
 */
struct muse_args {
	u32 opcode;
	unsigned int in_numargs;
	unsigned int out_numargs;
	bool out_argvar;
	struct muse_in_arg in_args[MUSE_MAX_IN_ARGS];
	struct muse_out_arg out_args[MUSE_MAX_OUT_ARGS];
};

struct muse_chan {
	spinlock_t lock;		/* everything below */
	wait_queue_head_t waitq;	/* readers and pollers */
	struct list_head pending;	/* queued, not read yet */
	struct list_head sent;		/* read, not answered yet */
	u64 unique;			/* of the last request queued */
	bool connected;
};

void muse_chan_init(struct muse_chan *ch);

/*
 * Sends ARGS and waits for the reply: 0, the reply's error, -ENOTCONN
 * (aborted) or -EINTR (killed before the server read it).
 */
int muse_chan_request(struct muse_chan *ch, struct muse_args *args);

void muse_chan_abort(struct muse_chan *ch);

/* The server's side, for the file operations of /dev/muse. */
ssize_t muse_chan_read(struct muse_chan *ch, struct kiocb *iocb,
		       struct iov_iter *to);
ssize_t muse_chan_write(struct muse_chan *ch, struct iov_iter *from);
__poll_t muse_chan_poll(struct muse_chan *ch, struct file *file,
			poll_table *wait);

#endif /* MUSE_CHAN_H */
