// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MUSE channel: the FUSE device protocol between MUSE and its server,
 * requests queued by MTD callers, read and answered through /dev/muse
 * (muse-chan.h states the rules).
 *
 * A request lives on its caller's stack. It is on one list at a time,
 * under the channel's lock: pending (queued), then sent (read by the
 * server); between the two, and while a reply is being copied in, it is
 * on none and belongs to the read() or write() that copies it, which
 * ends it. Ending a request completes it; the caller returns only then,
 * so nothing touches a request after its end.
 */

#include <linux/completion.h>
#include <linux/fuse.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "muse-chan.h"

/* FUSE sets the lowest bit of a unique for interrupts; MUSE has none. */
#define MUSE_UNIQUE_STEP	2

/* Replies with an error at or below this are refused, as by FUSE. */
#define MUSE_ERROR_MIN		(-512)

enum muse_req_state {
	MUSE_REQ_PENDING,	/* on ch->pending; the caller may withdraw it */
	MUSE_REQ_SENT,		/* on ch->sent; a reply may find it */
	MUSE_REQ_BUSY,		/* being copied or ended; the caller waits */
};

struct muse_req {
	struct list_head list;
	enum muse_req_state state;
	struct fuse_in_header in;
	struct muse_args *args;
	int error;
	struct completion done;
};

void muse_chan_init(struct muse_chan *ch)
{
	spin_lock_init(&ch->lock);
	init_waitqueue_head(&ch->waitq);
	INIT_LIST_HEAD(&ch->pending);
	INIT_LIST_HEAD(&ch->sent);
	ch->unique = 0;
	ch->connected = true;
}

/* REQ, on no list, is done: its caller may return (and free it) at once. */
static void muse_req_end(struct muse_req *req, int error)
{
	req->error = error;
	complete(&req->done);
}

int muse_chan_request(struct muse_chan *ch, struct muse_args *args)
{
	struct muse_req req = { .args = args };
	size_t len = sizeof(req.in);
	unsigned int i;

	/* At most a header, muse_io_in and MUSE_MAX_PAYLOAD: see muse-mtd.c. */
	for (i = 0; i < args->in_numargs; i++)
		len += args->in_args[i].size;
	req.in.len = len;
	req.in.opcode = args->opcode;
	init_completion(&req.done);

	spin_lock(&ch->lock);
	if (!ch->connected) {
		spin_unlock(&ch->lock);
		return -ENOTCONN;
	}
	ch->unique += MUSE_UNIQUE_STEP;
	req.in.unique = ch->unique;
	req.state = MUSE_REQ_PENDING;
	list_add_tail(&req.list, &ch->pending);
	spin_unlock(&ch->lock);
	wake_up(&ch->waitq);

	if (wait_for_completion_killable(&req.done)) {
		spin_lock(&ch->lock);
		if (req.state == MUSE_REQ_PENDING) {
			/* The server never saw it. */
			list_del(&req.list);
			spin_unlock(&ch->lock);
			return -EINTR;
		}
		spin_unlock(&ch->lock);
		/*
		 * The server has it and may be writing into the caller's
		 * buffers: its reply or the abort when it closes ends it.
		 */
		wait_for_completion(&req.done);
	}
	return req.error;
}

void muse_chan_abort(struct muse_chan *ch)
{
	struct muse_req *req, *next;
	LIST_HEAD(to_end);

	spin_lock(&ch->lock);
	ch->connected = false;
	list_splice_tail_init(&ch->pending, &to_end);
	list_splice_tail_init(&ch->sent, &to_end);
	list_for_each_entry(req, &to_end, list)
		req->state = MUSE_REQ_BUSY;
	spin_unlock(&ch->lock);

	list_for_each_entry_safe(req, next, &to_end, list) {
		list_del(&req->list);
		muse_req_end(req, -ENOTCONN);
	}
	wake_up_all(&ch->waitq);
}

/*
 * The bytes of a request go between an MTD user's buffer and the server.
 * That buffer is whatever kernel memory the user handed MTD: JFFS2, for
 * one, writes nodes straight from its own slab caches, which hardened
 * usercopy (on in distribution kernels) would refuse to copy to or from
 * user space with a BUG. So these copies skip that check, as FUSE's do
 * (it maps the server's pages instead). Their lengths are the kernel's,
 * never the server's: a request's own, or a reply's out arguments, each
 * at most the size the caller gave.
 */
static bool muse_copy_out(const void *from, size_t len, struct iov_iter *to)
{
	return _copy_to_iter(from, len, to) == len;
}

static bool muse_copy_in(void *to, size_t len, struct iov_iter *from)
{
	return _copy_from_iter(to, len, from) == len;
}

static int muse_copy_request(struct muse_req *req, struct iov_iter *to)
{
	struct muse_args *args = req->args;
	unsigned int i;

	if (!muse_copy_out(&req->in, sizeof(req->in), to))
		return -EFAULT;
	for (i = 0; i < args->in_numargs; i++)
		if (!muse_copy_out(args->in_args[i].value,
				   args->in_args[i].size, to))
			return -EFAULT;
	return 0;
}

static bool muse_chan_readable(struct muse_chan *ch)
{
	return !READ_ONCE(ch->connected) || !list_empty_careful(&ch->pending);
}

ssize_t muse_chan_read(struct muse_chan *ch, struct kiocb *iocb,
		       struct iov_iter *to)
{
	bool nonblock = (iocb->ki_filp->f_flags & O_NONBLOCK) ||
			(iocb->ki_flags & IOCB_NOWAIT);
	size_t nbytes = iov_iter_count(to);
	struct muse_req *req;
	ssize_t len;
	int err;

	if (nbytes < FUSE_MIN_READ_BUFFER)
		return -EINVAL;
restart:
	spin_lock(&ch->lock);
	while (ch->connected && list_empty(&ch->pending)) {
		spin_unlock(&ch->lock);
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible_exclusive(ch->waitq,
						muse_chan_readable(ch));
		if (err)
			return err;
		spin_lock(&ch->lock);
	}
	if (!ch->connected) {
		spin_unlock(&ch->lock);
		return -ENODEV;
	}
	req = list_first_entry(&ch->pending, struct muse_req, list);
	list_del_init(&req->list);
	req->state = MUSE_REQ_BUSY;
	spin_unlock(&ch->lock);

	len = req->in.len;
	if (nbytes < len) {
		/* It would never fit: the caller learns at once. */
		muse_req_end(req, -EIO);
		goto restart;
	}
	err = muse_copy_request(req, to);

	spin_lock(&ch->lock);
	if (!ch->connected) {
		spin_unlock(&ch->lock);
		muse_req_end(req, -ENOTCONN);
		return -ENODEV;
	}
	if (err) {
		spin_unlock(&ch->lock);
		muse_req_end(req, -EIO);
		return err;
	}
	req->state = MUSE_REQ_SENT;
	list_add_tail(&req->list, &ch->sent);
	spin_unlock(&ch->lock);
	/* From here a reply may end REQ at any time. */
	return len;
}

/* The reply's out arguments, SIZE bytes in FROM, into the caller's. */
static int muse_copy_reply(struct muse_args *args, size_t size,
			   struct iov_iter *from)
{
	size_t expected = 0;
	unsigned int i;

	for (i = 0; i < args->out_numargs; i++)
		expected += args->out_args[i].size;
	if (size > expected)
		return -EINVAL;
	if (size < expected) {
		struct muse_out_arg *last;

		if (!args->out_argvar)
			return -EINVAL;
		last = &args->out_args[args->out_numargs - 1];
		if (expected - size > last->size)
			return -EINVAL;
		last->size -= expected - size;
	}
	for (i = 0; i < args->out_numargs; i++)
		if (!muse_copy_in(args->out_args[i].value,
				  args->out_args[i].size, from))
			return -EFAULT;
	return 0;
}

static struct muse_req *muse_find_sent(struct muse_chan *ch, u64 unique)
{
	struct muse_req *req;

	list_for_each_entry(req, &ch->sent, list)
		if (req->in.unique == unique)
			return req;
	return NULL;
}

ssize_t muse_chan_write(struct muse_chan *ch, struct iov_iter *from)
{
	size_t nbytes = iov_iter_count(from);
	struct fuse_out_header oh;
	struct muse_req *req;
	int err;

	if (nbytes < sizeof(oh))
		return -EINVAL;
	if (!copy_from_iter_full(&oh, sizeof(oh), from))
		return -EFAULT;
	if (oh.len != nbytes || !oh.unique ||
	    oh.error <= MUSE_ERROR_MIN || oh.error > 0)
		return -EINVAL;

	spin_lock(&ch->lock);
	req = muse_find_sent(ch, oh.unique);
	if (!req) {
		spin_unlock(&ch->lock);
		return -ENOENT;
	}
	list_del_init(&req->list);
	req->state = MUSE_REQ_BUSY;
	spin_unlock(&ch->lock);

	if (oh.error)
		err = nbytes != sizeof(oh) ? -EINVAL : 0;
	else
		err = muse_copy_reply(req->args, nbytes - sizeof(oh), from);

	spin_lock(&ch->lock);
	if (!ch->connected) {
		/* Aborted meanwhile: nothing succeeds after an abort. */
		spin_unlock(&ch->lock);
		muse_req_end(req, -ENOTCONN);
		return -ENOENT;
	}
	spin_unlock(&ch->lock);
	muse_req_end(req, err ? -EIO : oh.error);
	return err ?: nbytes;
}

__poll_t muse_chan_poll(struct muse_chan *ch, struct file *file,
			poll_table *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &ch->waitq, wait);
	spin_lock(&ch->lock);
	if (!ch->connected)
		mask = EPOLLERR;
	else if (!list_empty(&ch->pending))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&ch->lock);
	return mask;
}
