/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * muse-hostile: a MUSE server that breaks the protocol on purpose, and the
 * callers that watch what the kernel makes of it. The guest test
 * tests/vm/guest/tests/muse-hostile.sh drives it.
 *
 *   muse-hostile serve [--case CASE] [--max-read N] [--max-write N]
 *                      [--poll] [--iovecs N] [--no-defaults] [KEY=VALUE...]
 *
 * serves a small NAND from memory on /dev/muse, described in the INIT
 * reply by default strings (NAME=hostile, 4 MiB, 2 KiB pages, 64 OOB
 * bytes, ECC strength 4 per 512 bytes) followed by the KEY=VALUE
 * arguments, which the kernel reads after them (so they override them).
 * It answers correctly until SIGUSR1 arms it; from then on every request
 * of CASE's opcode gets CASE's misbehaviour (cases[] below). INIT cases
 * misbehave at once. It writes what it does and what the kernel said to
 * each reply on stderr, and exits with status 3 when the kernel aborts
 * the connection (a refused INIT reply), 0 on SIGTERM. Where the kernel
 * breaks a rule of the transport (kernel/muse-chan.h), the line says
 * UNEXPECTED.
 *
 * Ways of speaking the protocol that are allowed, which the kernel must
 * take: --poll reads with O_NONBLOCK and waits in poll() when there is
 * nothing to read (it counts both on stderr at the end); --iovecs N
 * writes each reply in up to N pieces (writev; N at most IOV_MAX).
 *
 * Cases that hold or withdraw a request wait for SIGUSR2 from the test
 * before they go on, so that the test kills a caller at a known point.
 *
 * The callers print one line and exit 1 when the kernel refused the call:
 *
 *   muse-hostile memread DEVICE OFFSET LENGTH   ioctl(MEMREAD) of the data
 *       ret=R errno=E max_bitflips=N corrected=N uncorrectable=N data=D
 *       (D is "pattern" when the bytes are the server's initial contents,
 *       "erased" when all 0xff; -EUCLEAN and -EBADMSG count as success:
 *       the data came back)
 *   muse-hostile memwrite DEVICE OFFSET LENGTH  ioctl(MEMWRITE) of the pattern
 *   muse-hostile isbad DEVICE OFFSET            ioctl(MEMGETBADBLOCK)
 *   muse-hostile markbad DEVICE OFFSET          ioctl(MEMSETBADBLOCK)
 *
 * It speaks the FUSE device protocol with read() and writev(), as
 * muse-chip does, with the wire structs of kernel/muse.h.
 */
#define _GNU_SOURCE /* strerrorname_np */
#include "muse.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fuse.h>
#include <mtd/mtd-user.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

/* Room for any request, even one far above MUSE_MAX_PAYLOAD (which a
 * kernel that does not clamp max_read and max_write would send). */
#define REQUEST_MAX (24u * 1024 * 1024)
#define FUSE_INT_REQ_BIT_ (1ULL << 0)
#define STALL_SECONDS 3

/* The server's initial contents: a pattern the callers can recognise. */
static uint8_t
pattern_byte (uint64_t addr)
{
  return (uint8_t) (addr ^ (addr >> 8) ^ (addr >> 16) ^ 0x5a);
}

/* ---- the misbehaviours ------------------------------------------------ */

enum action {
  ACT_NONE,
  ACT_HDR_ERROR,     /* value in the reply header's error */
  ACT_LEN,           /* muse_io_out.len += value */
  ACT_OOBLEN,        /* muse_io_out.ooblen += value */
  ACT_PAYLOAD,       /* value bytes more (or fewer) than the reply holds */
  ACT_SOFT_ERROR,    /* muse_io_out.soft_error = value */
  ACT_BITFLIPS,      /* muse_io_out.max_bitflips = value */
  ACT_ISBAD_RESULT,  /* muse_isbad_out.result = value */
  ACT_DOUBLE,        /* the reply twice */
  ACT_UNKNOWN,       /* replies to requests that do not exist, then the reply */
  ACT_NOTIFY,        /* unsolicited notifications (unique 0), then the reply */
  ACT_HDR_LEN,       /* a header whose len is not what is written, then the reply */
  ACT_STALL,         /* no reply; close after STALL_SECONDS */
  ACT_HOLD,          /* the reply after SIGUSR2 (the caller is killed meanwhile) */
  ACT_REPLY_FAULT,   /* a reply whose data faults */
  /* the transport: what the next read does */
  ACT_WITHDRAW,      /* none until SIGUSR2, then a reply to the request killed meanwhile */
  ACT_READ_TINY,     /* a buffer below FUSE_MIN_READ_BUFFER */
  ACT_READ_SMALL,    /* a buffer of FUSE_MIN_READ_BUFFER bytes, less than the request */
  ACT_READ_FAULT,    /* a buffer that faults after a few bytes */
  /* INIT only */
  ACT_INIT_MAJOR,    /* another major version */
  ACT_INIT_NO_NUL,   /* strings without their last NUL */
  ACT_INIT_LONG,     /* more strings than MUSE_INIT_INFO_MAX */
};

struct hostile_case {
  const char *name;
  uint32_t opcode;
  enum action action;
  int64_t value;
};

#define HDR_CASES(op, OPCODE) \
  { op "-hdr-ebadmsg", OPCODE, ACT_HDR_ERROR, -EBADMSG }, \
  { op "-hdr-euclean", OPCODE, ACT_HDR_ERROR, -EUCLEAN }, \
  { op "-hdr-eio", OPCODE, ACT_HDR_ERROR, -EIO }, \
  { op "-hdr-positive", OPCODE, ACT_HDR_ERROR, 5 }, \
  { op "-hdr-low", OPCODE, ACT_HDR_ERROR, -600 }, \
  { op "-stall", OPCODE, ACT_STALL, 0 }

static const struct hostile_case cases[] = {
  { "none", 0, ACT_NONE, 0 },
  HDR_CASES ("read", MUSE_READ),
  { "read-len-short", MUSE_READ, ACT_LEN, -1 },
  { "read-len-long", MUSE_READ, ACT_LEN, 2048 },
  { "read-ooblen", MUSE_READ, ACT_OOBLEN, 1 },
  { "read-payload-short", MUSE_READ, ACT_PAYLOAD, -1 },
  { "read-payload-long", MUSE_READ, ACT_PAYLOAD, 1 },
  { "read-soft-eio", MUSE_READ, ACT_SOFT_ERROR, -EIO },
  { "read-soft-positive", MUSE_READ, ACT_SOFT_ERROR, 5 },
  { "read-soft-euclean", MUSE_READ, ACT_SOFT_ERROR, -EUCLEAN },
  { "read-soft-ebadmsg", MUSE_READ, ACT_SOFT_ERROR, -EBADMSG },
  { "read-bitflips-max", MUSE_READ, ACT_BITFLIPS, 0xffffffff },
  { "read-bitflips-2g", MUSE_READ, ACT_BITFLIPS, 0x80000000 },
  { "read-double", MUSE_READ, ACT_DOUBLE, 0 },
  { "read-unknown", MUSE_READ, ACT_UNKNOWN, 0 },
  { "read-notify", MUSE_READ, ACT_NOTIFY, 0 },
  { "read-hdr-len", MUSE_READ, ACT_HDR_LEN, 0 },
  HDR_CASES ("write", MUSE_WRITE),
  { "write-len", MUSE_WRITE, ACT_LEN, -1 },
  { "write-ooblen", MUSE_WRITE, ACT_OOBLEN, 1 },
  { "write-payload-short", MUSE_WRITE, ACT_PAYLOAD, -8 },
  { "write-payload-long", MUSE_WRITE, ACT_PAYLOAD, 8 },
  { "write-double", MUSE_WRITE, ACT_DOUBLE, 0 },
  HDR_CASES ("erase", MUSE_ERASE),
  { "erase-payload-long", MUSE_ERASE, ACT_PAYLOAD, 8 },
  HDR_CASES ("isbad", MUSE_ISBAD),
  { "isbad-payload-short", MUSE_ISBAD, ACT_PAYLOAD, -8 },
  { "isbad-result", MUSE_ISBAD, ACT_ISBAD_RESULT, 0xffffffff },
  HDR_CASES ("markbad", MUSE_MARKBAD),
  { "markbad-payload-long", MUSE_MARKBAD, ACT_PAYLOAD, 8 },
  { "sync-hdr-eio", MUSE_SYNC, ACT_HDR_ERROR, -EIO },
  { "sync-payload-long", MUSE_SYNC, ACT_PAYLOAD, 8 },
  { "init-hdr-eio", MUSE_INIT, ACT_HDR_ERROR, -EIO },
  { "init-hdr-positive", MUSE_INIT, ACT_HDR_ERROR, 1 },
  { "init-short", MUSE_INIT, ACT_PAYLOAD, -8 },
  { "init-long", MUSE_INIT, ACT_INIT_LONG, 0 },
  { "init-no-nul", MUSE_INIT, ACT_INIT_NO_NUL, 0 },
  { "init-major", MUSE_INIT, ACT_INIT_MAJOR, 0 },
  { "init-double", MUSE_INIT, ACT_DOUBLE, 0 },
  { "init-stall", MUSE_INIT, ACT_STALL, 0 },
  /* the transport */
  { "read-hold", MUSE_READ, ACT_HOLD, 0 },
  { "read-efault-reply", MUSE_READ, ACT_REPLY_FAULT, 0 },
  { "read-withdraw", MUSE_READ, ACT_WITHDRAW, 0 },
  { "read-buffer-tiny", MUSE_READ, ACT_READ_TINY, 0 },
  { "write-buffer-small", MUSE_WRITE, ACT_READ_SMALL, 0 },
  { "read-efault-request", MUSE_READ, ACT_READ_FAULT, 0 },
};

/* ---- the served NAND ---------------------------------------------------- */

struct server {
  int fd;
  const struct hostile_case *hc;
  uint32_t max_read, max_write;
  /* the strings of the INIT reply, NUL-separated */
  char info[2 * MUSE_INIT_INFO_MAX];
  size_t info_len;
  /* geometry, as far as the strings say (the kernel judges them) */
  uint64_t size;
  uint32_t writesize, erasesize, oobsize, oobavail;
  uint64_t nblocks;
  uint8_t **blocks;       /* data then spare of each block; NULL: untouched */
  uint8_t *bad;           /* one byte per block */
  uint8_t *request;
  uint64_t last_unique;   /* of the last request read */
  bool poll;              /* --poll */
  unsigned long eagain, pollin, pollerr;
  int iovecs;             /* --iovecs; 0: as the reply comes */
};

static volatile sig_atomic_t armed, stop, go_on;

static void
on_signal (int sig)
{
  if (sig == SIGUSR1)
    armed = 1;
  else if (sig == SIGUSR2)
    go_on = 1;
  else
    stop = 1;
}

/* Waits for the test's SIGUSR2 (or SIGTERM). */
static void
wait_go_on (const char *what)
{
  fprintf (stderr, "muse-hostile: %s; waiting for SIGUSR2\n", what);
  while (!go_on && !stop)
    usleep (10000);  /* not pause(): the signal may come before it */
  go_on = 0;
}

/* A pointer READABLE bytes before a page that is not accessible: a copy
 * into or out of it faults after READABLE bytes. */
static uint8_t *
faulting_buffer (size_t readable)
{
  long page = sysconf (_SC_PAGESIZE);
  uint8_t *p = mmap (NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED || mprotect (p + 2 * page, page, PROT_NONE))
    exit (2);
  return p + 2 * page - readable;
}

static void
add_string (struct server *s, const char *str)
{
  size_t n = strlen (str) + 1;

  if (s->info_len + n > sizeof s->info)
    {
      fprintf (stderr, "muse-hostile: too many INIT strings\n");
      exit (2);
    }
  memcpy (s->info + s->info_len, str, n);
  s->info_len += n;
  /* The served geometry follows the strings; bad values just make a
   * geometry the kernel refuses. */
  if (!strncmp (str, "SIZE=", 5))
    s->size = strtoull (str + 5, NULL, 10);
  else if (!strncmp (str, "WRITESIZE=", 10))
    s->writesize = strtoul (str + 10, NULL, 10);
  else if (!strncmp (str, "ERASESIZE=", 10))
    s->erasesize = strtoul (str + 10, NULL, 10);
  else if (!strncmp (str, "OOBSIZE=", 8))
    s->oobsize = strtoul (str + 8, NULL, 10);
  else if (!strncmp (str, "OOBAVAIL=", 9))
    s->oobavail = strtoul (str + 9, NULL, 10);
}

static void
setup_store (struct server *s)
{
  s->nblocks = 0;
  /* Blocks are allocated when first touched, so a large device costs
   * nothing until it is used. Past what the kernel accepts (2^19 blocks)
   * nothing is served. */
  if (s->erasesize && s->writesize && s->erasesize >= s->writesize && s->oobsize < s->writesize &&
      s->size % s->erasesize == 0 && s->size / s->erasesize <= (1u << 20))
    s->nblocks = s->size / s->erasesize;
  s->blocks = calloc (s->nblocks + 1, sizeof *s->blocks);
  s->bad = calloc (s->nblocks + 1, 1);
  if (!s->blocks || !s->bad)
    exit (2);
}

static size_t
block_bytes (const struct server *s)
{
  return s->erasesize + (size_t) (s->erasesize / s->writesize) * s->oobsize;
}

/* The block holding ADDR, allocated with its initial contents on first use. */
static uint8_t *
block_at (struct server *s, uint64_t addr)
{
  uint64_t b = addr / s->erasesize;

  if (!s->blocks[b])
    {
      uint64_t base = b * s->erasesize;

      s->blocks[b] = malloc (block_bytes (s));
      if (!s->blocks[b])
        exit (2);
      for (uint32_t i = 0; i < s->erasesize; i++)
        s->blocks[b][i] = pattern_byte (base + i);
      memset (s->blocks[b] + s->erasesize, 0xff, block_bytes (s) - s->erasesize);
    }
  return s->blocks[b];
}

static uint8_t *
spare_of (struct server *s, uint64_t page_addr)
{
  uint64_t in_block = page_addr % s->erasesize;

  return block_at (s, page_addr) + s->erasesize + (in_block / s->writesize) * s->oobsize;
}

static bool
io_in_range (const struct server *s, const struct muse_io_in *in)
{
  uint64_t pages_oob;

  if (!s->nblocks || in->addr >= s->size || in->len > s->size - in->addr || in->len > REQUEST_MAX ||
      in->ooblen > REQUEST_MAX)
    return false;
  if (!in->ooblen)
    return true;
  /* OOB bytes go ooboffs.. of each page from the first (as nand_base). */
  if (in->ooboffs >= ((in->flags & MUSE_IO_OOB_AUTO) ? s->oobavail : s->oobsize))
    return false;
  pages_oob = (s->size - in->addr / s->writesize * s->writesize) / s->writesize;
  return in->ooblen <= pages_oob * s->oobsize;
}

/* Copies the OOB bytes of a request between BUF and the spare areas. */
static void
transfer_oob (struct server *s, const struct muse_io_in *in, uint8_t *buf, bool to_flash)
{
  uint32_t avail = (in->flags & MUSE_IO_OOB_AUTO) ? s->oobavail : s->oobsize;
  uint32_t per_page = avail - in->ooboffs;
  uint64_t page = in->addr / s->writesize * s->writesize;

  for (uint64_t done = 0; done < in->ooblen; page += s->writesize)
    {
      uint64_t n = in->ooblen - done < per_page ? in->ooblen - done : per_page;
      uint8_t *spare = spare_of (s, page) + in->ooboffs;

      if (to_flash)
        memcpy (spare, buf + done, n);
      else
        memcpy (buf + done, spare, n);
      done += n;
    }
}

static void
transfer_data (struct server *s, uint64_t addr, uint64_t len, uint8_t *buf, bool to_flash)
{
  for (uint64_t done = 0; done < len;)
    {
      uint64_t at = addr + done;
      uint64_t in_block = at % s->erasesize;
      uint64_t n = s->erasesize - in_block < len - done ? s->erasesize - in_block : len - done;
      uint8_t *p = block_at (s, at) + in_block;

      if (to_flash)
        memcpy (p, buf + done, n);
      else
        memcpy (buf + done, p, n);
      done += n;
    }
}

/* ---- replies ------------------------------------------------------------ */

/* Writes one reply: a header (ERROR, UNIQUE, and the payload's length plus
 * LEN_DELTA) and the payload. Says on stderr what the kernel made of it. */
static void
send_raw (struct server *s, uint64_t unique, int32_t error, int len_delta, const struct iovec *iov,
          int n_iov, const char *what)
{
  struct fuse_out_header out = { sizeof out, error, unique };
  struct iovec all[8], pieces[IOV_MAX];
  int n_all = 1 + n_iov;
  ssize_t written;

  all[0] = (struct iovec) { &out, sizeof out };
  for (int i = 0; i < n_iov; i++)
    {
      all[1 + i] = iov[i];
      out.len += iov[i].iov_len;
    }
  out.len += len_delta;
  if (s->iovecs > n_all)
    {
      /* Each iovec cut in pieces of at most CHUNK bytes: at most
       * total / chunk + n_all <= s->iovecs pieces in all. */
      size_t total = out.len - len_delta;
      size_t chunk = (total + s->iovecs - n_all - 1) / (s->iovecs - n_all);
      int n = 0;

      for (int i = 0; i < n_all; i++)
        for (size_t off = 0; off < all[i].iov_len; off += chunk)
          pieces[n++] = (struct iovec) { (uint8_t *) all[i].iov_base + off,
                                         all[i].iov_len - off < chunk ? all[i].iov_len - off : chunk };
      written = writev (s->fd, pieces, n);
    }
  else
    written = writev (s->fd, all, n_all);
  if (written < 0)
    fprintf (stderr, "muse-hostile: %s: reply refused: %s\n", what, strerror (errno));
  else
    fprintf (stderr, "muse-hostile: %s: reply taken\n", what);
}

static void
send_reply (struct server *s, uint64_t unique, int32_t error, const struct iovec *iov, int n_iov)
{
  send_raw (s, unique, error, 0, iov, n_iov, "reply");
}

/* Notifications with unique 0: the FUSE core handles them itself (there is
 * no file system behind MUSE), and refuses codes it does not know. */
static void
send_notifications (struct server *s)
{
  struct fuse_notify_poll_wakeup_out poll = { .kh = 1 };
  struct fuse_notify_inval_inode_out inode = { .ino = 1, .off = 0, .len = -1 };
  struct fuse_notify_inval_entry_out entry = { .parent = 1, .namelen = 3 };
  struct fuse_notify_delete_out del = { .parent = 1, .child = 2, .namelen = 3 };
  struct fuse_notify_store_out store = { .nodeid = 1, .offset = 0, .size = 16 };
  struct fuse_notify_retrieve_out retrieve = { .notify_unique = 7, .nodeid = 1, .size = 4096 };
  static char name[] = "abc", data[16];
  struct iovec iov[2];

  iov[0] = (struct iovec) { &poll, sizeof poll };
  send_raw (s, 0, FUSE_NOTIFY_POLL, 0, iov, 1, "notify poll");
  iov[0] = (struct iovec) { &inode, sizeof inode };
  send_raw (s, 0, FUSE_NOTIFY_INVAL_INODE, 0, iov, 1, "notify inval inode");
  iov[0] = (struct iovec) { &entry, sizeof entry };
  iov[1] = (struct iovec) { name, sizeof name };
  send_raw (s, 0, FUSE_NOTIFY_INVAL_ENTRY, 0, iov, 2, "notify inval entry");
  iov[0] = (struct iovec) { &del, sizeof del };
  send_raw (s, 0, FUSE_NOTIFY_DELETE, 0, iov, 2, "notify delete");
  iov[0] = (struct iovec) { &store, sizeof store };
  iov[1] = (struct iovec) { data, sizeof data };
  send_raw (s, 0, FUSE_NOTIFY_STORE, 0, iov, 2, "notify store");
  iov[0] = (struct iovec) { &retrieve, sizeof retrieve };
  send_raw (s, 0, FUSE_NOTIFY_RETRIEVE, 0, iov, 1, "notify retrieve");
  send_raw (s, 0, 0, 0, iov, 1, "notify code 0");
  send_raw (s, 0, 77, 0, iov, 1, "notify code 77");
}

/* The reply to UNIQUE with IOV, bent as the armed case says. */
static void
answer (struct server *s, uint64_t unique, uint32_t opcode, struct iovec *iov, int n_iov)
{
  const struct hostile_case *hc = s->hc;

  if (!(armed || opcode == MUSE_INIT) || hc->opcode != opcode)
    {
      send_reply (s, unique, 0, iov, n_iov);
      return;
    }
  fprintf (stderr, "muse-hostile: %s on request %llu\n", hc->name, (unsigned long long) unique);
  switch (hc->action)
    {
    case ACT_HDR_ERROR:
      send_raw (s, unique, (int32_t) hc->value, 0, NULL, 0, hc->name);
      /* The FUSE core refuses errors outside (-512, 0] without looking
       * the request up; it stays pending, and gets its real reply (INIT:
       * the server gives up and closes instead). */
      if (hc->value > 0 || hc->value <= -512)
        {
          if (opcode == MUSE_INIT)
            {
              fprintf (stderr, "muse-hostile: closing\n");
              exit (0);
            }
          send_reply (s, unique, 0, iov, n_iov);
        }
      break;
    case ACT_PAYLOAD:
      /* Bytes cut from the last argument, or added as one more. */
      if (hc->value < 0)
        {
          iov[n_iov - 1].iov_len -= (size_t) -hc->value;
          send_raw (s, unique, 0, 0, iov, n_iov, hc->name);
        }
      else
        {
          static uint8_t extra[64];

          iov[n_iov] = (struct iovec) { extra, (size_t) hc->value };
          send_raw (s, unique, 0, 0, iov, n_iov + 1, hc->name);
        }
      break;
    case ACT_DOUBLE:
      send_reply (s, unique, 0, iov, n_iov);
      send_raw (s, unique, 0, 0, iov, n_iov, "second reply");
      break;
    case ACT_UNKNOWN:
      /* A request not read yet, the interrupt bit on one that cannot be
       * interrupted, and a unique never used. */
      send_raw (s, unique + 2, 0, 0, iov, n_iov, "reply to the next request");
      send_raw (s, unique | FUSE_INT_REQ_BIT_, -EAGAIN, 0, NULL, 0, "interrupt reply EAGAIN");
      send_raw (s, unique | FUSE_INT_REQ_BIT_, -ENOSYS, 0, NULL, 0, "interrupt reply ENOSYS");
      send_raw (s, 0xdead0000ULL, 0, 0, iov, n_iov, "reply to an unknown request");
      send_reply (s, unique, 0, iov, n_iov);
      break;
    case ACT_NOTIFY:
      send_notifications (s);
      send_reply (s, unique, 0, iov, n_iov);
      break;
    case ACT_HDR_LEN:
      send_raw (s, unique, 0, 1, iov, n_iov, "header length one too many");
      send_raw (s, unique, 0, -1, iov, n_iov, "header length one too few");
      send_reply (s, unique, 0, iov, n_iov);
      break;
    case ACT_STALL:
      fprintf (stderr, "muse-hostile: no reply; closing in %d s\n", STALL_SECONDS);
      sleep (STALL_SECONDS);
      exit (0);
    case ACT_HOLD:
      /* The caller is killed meanwhile; the request stays the server's. */
      wait_go_on ("holding the request");
      send_raw (s, unique, 0, 0, iov, n_iov, "reply to the held request");
      break;
    case ACT_REPLY_FAULT:
      /* The data from a page that faults: the reply cannot be taken. */
      iov[n_iov - 1].iov_base = faulting_buffer (0);
      send_raw (s, unique, 0, 0, iov, n_iov, hc->name);
      break;
    default:
      /* Field changes were made by the request's handler. */
      send_raw (s, unique, 0, 0, iov, n_iov, hc->name);
      break;
    }
}

/* Whether the armed case is ACTION on this opcode's reply. */
static bool
bends (const struct server *s, uint32_t opcode, enum action action)
{
  return armed && s->hc->opcode == opcode && s->hc->action == action;
}

static void
handle_init (struct server *s, uint64_t unique)
{
  struct muse_init_out out = { MUSE_KERNEL_VERSION, MUSE_KERNEL_MINOR_VERSION, s->max_read, s->max_write };
  static char long_info[MUSE_INIT_INFO_MAX + 16];
  struct iovec iov[3];
  int n_iov = 2;

  iov[0] = (struct iovec) { &out, sizeof out };
  iov[1] = (struct iovec) { s->info, s->info_len };
  if (s->hc->opcode == MUSE_INIT)
    switch (s->hc->action)
      {
      case ACT_INIT_MAJOR:
        out.major = MUSE_KERNEL_VERSION + 1;
        break;
      case ACT_INIT_NO_NUL:
        iov[1].iov_len--;
        break;
      case ACT_INIT_LONG:
        /* Valid strings, then a long one that goes past the limit. */
        memset (long_info, 'x', sizeof long_info);
        memcpy (long_info, s->info, s->info_len);
        memcpy (long_info + s->info_len, "PAD=", 4);
        long_info[sizeof long_info - 1] = '\0';
        iov[1] = (struct iovec) { long_info, sizeof long_info };
        break;
      case ACT_PAYLOAD:
        /* A reply shorter than struct muse_init_out (answer() cuts it). */
        n_iov = 1;
        break;
      default:
        break;
      }
  answer (s, unique, MUSE_INIT, iov, n_iov);
}

static void
handle_read (struct server *s, uint64_t unique, const uint8_t *arg, size_t len)
{
  const struct muse_io_in *in = (const void *) arg;
  struct muse_io_out out = { 0 };
  static uint8_t *data, *oob;
  struct iovec iov[4];

  if (len != sizeof *in || !io_in_range (s, in))
    {
      send_reply (s, unique, -EINVAL, NULL, 0);
      return;
    }
  if (in->len > MUSE_MAX_PAYLOAD || in->ooblen > MUSE_MAX_PAYLOAD)
    fprintf (stderr, "muse-hostile: read of %llu+%llu bytes, over MUSE_MAX_PAYLOAD\n",
             (unsigned long long) in->len, (unsigned long long) in->ooblen);
  if (!data && (!(data = malloc (REQUEST_MAX)) || !(oob = malloc (REQUEST_MAX))))
    exit (2);
  transfer_data (s, in->addr, in->len, data, false);
  transfer_oob (s, in, oob, false);
  out.len = in->len;
  out.ooblen = in->ooblen;
  if (bends (s, MUSE_READ, ACT_LEN))
    out.len += s->hc->value;
  if (bends (s, MUSE_READ, ACT_OOBLEN))
    out.ooblen += s->hc->value;
  if (bends (s, MUSE_READ, ACT_SOFT_ERROR))
    out.soft_error = (int32_t) s->hc->value;
  if (bends (s, MUSE_READ, ACT_BITFLIPS))
    out.max_bitflips = (uint32_t) s->hc->value;
  iov[0] = (struct iovec) { &out, sizeof out };
  iov[1] = (struct iovec) { oob, in->ooblen };
  iov[2] = (struct iovec) { data, in->len };
  answer (s, unique, MUSE_READ, iov, 3);
}

static void
handle_write (struct server *s, uint64_t unique, const uint8_t *arg, size_t len)
{
  const struct muse_io_in *in = (const void *) arg;
  struct muse_io_out out = { 0 };
  struct iovec iov[2];

  if (len < sizeof *in || !io_in_range (s, in) || len != sizeof *in + in->len + in->ooblen)
    {
      send_reply (s, unique, -EINVAL, NULL, 0);
      return;
    }
  if (in->len + in->ooblen > MUSE_MAX_PAYLOAD)
    fprintf (stderr, "muse-hostile: write of %llu+%llu bytes, over MUSE_MAX_PAYLOAD\n",
             (unsigned long long) in->len, (unsigned long long) in->ooblen);
  transfer_data (s, in->addr, in->len, (uint8_t *) arg + sizeof *in, true);
  transfer_oob (s, in, (uint8_t *) arg + sizeof *in + in->len, true);
  out.len = in->len;
  out.ooblen = in->ooblen;
  if (bends (s, MUSE_WRITE, ACT_LEN))
    out.len += s->hc->value;
  if (bends (s, MUSE_WRITE, ACT_OOBLEN))
    out.ooblen += s->hc->value;
  iov[0] = (struct iovec) { &out, sizeof out };
  answer (s, unique, MUSE_WRITE, iov, 1);
}

static void
handle_erase (struct server *s, uint64_t unique, const uint8_t *arg, size_t len)
{
  const struct muse_erase_in *in = (const void *) arg;
  struct iovec iov[2];

  if (len != sizeof *in || !s->nblocks || in->addr % s->erasesize || in->len % s->erasesize ||
      in->addr >= s->size || in->len > s->size - in->addr)
    {
      send_reply (s, unique, -EINVAL, NULL, 0);
      return;
    }
  for (uint64_t a = in->addr; a < in->addr + in->len; a += s->erasesize)
    memset (block_at (s, a), 0xff, block_bytes (s));
  answer (s, unique, MUSE_ERASE, iov, 0);
}

static void
handle_block (struct server *s, uint64_t unique, uint32_t opcode, const uint8_t *arg, size_t len)
{
  const struct muse_block_in *in = (const void *) arg;
  struct muse_isbad_out out = { 0 };
  struct iovec iov[2];

  if (len != sizeof *in || !s->nblocks || in->addr >= s->size)
    {
      send_reply (s, unique, -EINVAL, NULL, 0);
      return;
    }
  if (opcode == MUSE_MARKBAD)
    {
      s->bad[in->addr / s->erasesize] = 1;
      answer (s, unique, opcode, iov, 0);
      return;
    }
  out.result = s->bad[in->addr / s->erasesize];
  if (bends (s, MUSE_ISBAD, ACT_ISBAD_RESULT))
    out.result = (uint32_t) s->hc->value;
  iov[0] = (struct iovec) { &out, sizeof out };
  answer (s, unique, opcode, iov, 1);
}

#define REQUEST_BUFFER (sizeof (struct fuse_in_header) + sizeof (struct muse_io_in) + REQUEST_MAX)

/* One read of /dev/muse; with --poll, poll() waits while there is nothing
 * to read (a signal ends the wait: -1, EINTR). */
static ssize_t
read_request (struct server *s, uint8_t *buf, size_t size)
{
  for (;;)
    {
      ssize_t n = read (s->fd, buf, size);
      struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

      if (!s->poll || n >= 0 || errno != EAGAIN)
        return n;
      s->eagain++;
      if (poll (&pfd, 1, -1) < 0)
        return -1;
      if (pfd.revents & POLLIN)
        s->pollin++;
      if (pfd.revents & POLLERR)
        s->pollerr++;
    }
}

/* read-withdraw: no read until the test has killed the caller whose
 * request was queued; then there must be nothing to read, and a reply to
 * that request (the next unique) must be refused. */
static void
withdraw (struct server *s)
{
  struct muse_io_out out = { 0 };
  struct iovec iov[1] = { { &out, sizeof out } };
  int flags = fcntl (s->fd, F_GETFL);
  ssize_t n;

  wait_go_on ("not reading");
  fcntl (s->fd, F_SETFL, flags | O_NONBLOCK);
  n = read (s->fd, s->request, REQUEST_BUFFER);
  fcntl (s->fd, F_SETFL, flags);
  if (n < 0 && errno == EAGAIN)
    fprintf (stderr, "muse-hostile: after the withdrawal: nothing to read\n");
  else
    fprintf (stderr, "muse-hostile: UNEXPECTED: after the withdrawal a read says %zd (%s)\n", n,
             n < 0 ? strerror (errno) : "a request");
  send_raw (s, s->last_unique + 2, 0, 0, iov, 1, "reply to the withdrawn request");
}

/* The armed transport case, if any, before the next read: what it does
 * itself, or the buffer (*BUF, *SIZE) that read gets. Once. */
static void
transport_case (struct server *s, uint8_t **buf, size_t *size)
{
  ssize_t n;

  if (!armed)
    return;
  switch (s->hc->action)
    {
    case ACT_WITHDRAW:
      withdraw (s);
      break;
    case ACT_READ_TINY:
      n = read (s->fd, s->request, FUSE_MIN_READ_BUFFER - 1);
      if (n < 0 && errno == EINVAL)
        fprintf (stderr, "muse-hostile: a read of %d bytes: refused (EINVAL)\n", FUSE_MIN_READ_BUFFER - 1);
      else
        fprintf (stderr, "muse-hostile: UNEXPECTED: a read of %d bytes says %zd (%s)\n",
                 FUSE_MIN_READ_BUFFER - 1, n, n < 0 ? strerror (errno) : "a request");
      break;
    case ACT_READ_SMALL:
      fprintf (stderr, "muse-hostile: reading with a %d-byte buffer\n", FUSE_MIN_READ_BUFFER);
      *size = FUSE_MIN_READ_BUFFER;
      break;
    case ACT_READ_FAULT:
      fprintf (stderr, "muse-hostile: reading into a buffer that faults after 20 bytes\n");
      *buf = faulting_buffer (20);
      *size = FUSE_MIN_READ_BUFFER;
      break;
    default:
      return;
    }
  armed = 0;
}

static int
stop_serving (struct server *s, int status)
{
  if (s->poll)
    fprintf (stderr, "muse-hostile: --poll: reads said EAGAIN %lu times, poll said POLLIN %lu times, POLLERR %lu times\n",
             s->eagain, s->pollin, s->pollerr);
  return status;
}

static int
serve (struct server *s)
{
  struct sigaction sa = { .sa_handler = on_signal };

  sigaction (SIGUSR1, &sa, NULL);
  sigaction (SIGUSR2, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  s->request = malloc (REQUEST_BUFFER);
  if (!s->request)
    return 2;
  s->fd = open ("/dev/muse", O_RDWR | (s->poll ? O_NONBLOCK : 0));
  if (s->fd < 0)
    {
      fprintf (stderr, "muse-hostile: /dev/muse: %s\n", strerror (errno));
      return 2;
    }
  while (!stop)
    {
      uint8_t *buf = s->request;
      size_t size = REQUEST_BUFFER;
      ssize_t n;
      const struct fuse_in_header *in;
      const uint8_t *arg;
      size_t len;

      transport_case (s, &buf, &size);
      if (stop)
        break;  /* SIGTERM while the case waited */
      n = read_request (s, buf, size);
      if (n < 0 && buf != s->request)
        {
          fprintf (stderr, "muse-hostile: %sthe read says %s\n", errno == EFAULT ? "" : "UNEXPECTED: ",
                   strerror (errno));
          continue;
        }
      if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == ENOENT))
        continue;
      if (n < 0 && errno == ENODEV)
        {
          fprintf (stderr, "muse-hostile: the kernel aborted the connection\n");
          return stop_serving (s, 3);
        }
      in = (const void *) buf;
      if (n < (ssize_t) sizeof *in || in->len != (uint32_t) n)
        {
          fprintf (stderr, "muse-hostile: UNEXPECTED: reading /dev/muse: %s\n", n < 0 ? strerror (errno) : "short");
          return stop_serving (s, 2);
        }
      if (buf != s->request)
        {
          fprintf (stderr, "muse-hostile: UNEXPECTED: a whole request in a buffer that faults\n");
          continue;
        }
      arg = buf + sizeof *in;
      len = n - sizeof *in;
      s->last_unique = in->unique;
      switch (in->opcode)
        {
        case MUSE_INIT:
          handle_init (s, in->unique);
          break;
        case MUSE_READ:
          handle_read (s, in->unique, arg, len);
          break;
        case MUSE_WRITE:
          handle_write (s, in->unique, arg, len);
          break;
        case MUSE_ERASE:
          handle_erase (s, in->unique, arg, len);
          break;
        case MUSE_ISBAD:
        case MUSE_MARKBAD:
          handle_block (s, in->unique, in->opcode, arg, len);
          break;
        case MUSE_SYNC:
          {
            struct iovec iov[2];

            answer (s, in->unique, MUSE_SYNC, iov, 0);
            break;
          }
        case FUSE_INTERRUPT:
          fprintf (stderr, "muse-hostile: FUSE_INTERRUPT\n");
          break;
        default:
          send_reply (s, in->unique, -ENOSYS, NULL, 0);
          break;
        }
    }
  return stop_serving (s, 0);
}

/* ---- callers -------------------------------------------------------------- */

/* Callers that only read open the MTD read-only: a close after a write
 * open asks the server to sync (mtdchar), which a caller killed while
 * the server is not reading would wait for. */
static int
open_mtd (const char *path, int flags)
{
  int fd = open (path, flags);

  if (fd < 0)
    {
      printf ("open %s: %s\n", path, strerror (errno));
      exit (1);
    }
  return fd;
}

static const char *
errno_name (int e)
{
  const char *name = strerrorname_np (e);

  return name ? name : "?";
}

static int
memread (const char *path, uint64_t offset, uint64_t len)
{
  int fd = open_mtd (path, O_RDONLY);
  uint8_t *buf = malloc (len);
  struct mtd_read_req req = { .start = offset, .len = len, .mode = MTD_OPS_PLACE_OOB };
  bool is_pattern = true, is_erased = true;
  int ret, err;

  if (!buf)
    return 2;
  memset (buf, 0, len);
  req.usr_data = (uintptr_t) buf;
  ret = ioctl (fd, MEMREAD, &req);
  err = ret == -1 ? errno : 0;
  for (uint64_t i = 0; i < len; i++)
    {
      is_pattern = is_pattern && buf[i] == pattern_byte (offset + i);
      is_erased = is_erased && buf[i] == 0xff;
    }
  printf ("ret=%d errno=%s max_bitflips=%u corrected=%u uncorrectable=%u data=%s\n", ret,
          err ? errno_name (err) : "0", req.ecc_stats.max_bitflips, req.ecc_stats.corrected_bitflips,
          req.ecc_stats.uncorrectable_errors, is_pattern ? "pattern" : is_erased ? "erased" : "other");
  return ret == 0 || (ret == -1 && (err == EUCLEAN || err == EBADMSG)) ? 0 : 1;
}

static int
memwrite (const char *path, uint64_t offset, uint64_t len)
{
  int fd = open_mtd (path, O_RDWR);
  uint8_t *buf = malloc (len);
  struct mtd_write_req req = { .start = offset, .len = len, .mode = MTD_OPS_PLACE_OOB };
  int ret;

  if (!buf)
    return 2;
  for (uint64_t i = 0; i < len; i++)
    buf[i] = pattern_byte (offset + i);
  req.usr_data = (uintptr_t) buf;
  ret = ioctl (fd, MEMWRITE, &req);
  printf ("ret=%d errno=%s\n", ret, ret ? errno_name (errno) : "0");
  return ret ? 1 : 0;
}

static int
block_call (const char *path, unsigned long request, uint64_t offset)
{
  int fd = open_mtd (path, request == MEMGETBADBLOCK ? O_RDONLY : O_RDWR);
  loff_t ofs = offset;
  int ret = ioctl (fd, request, &ofs);

  if (ret < 0)
    {
      printf ("ret=%d errno=%s\n", ret, errno_name (errno));
      return 1;
    }
  printf ("ret=%d\n", ret);
  return 0;
}

static void
usage (void)
{
  fprintf (stderr, "usage: muse-hostile serve [--case CASE] [--max-read N] [--max-write N] [--poll] [--iovecs N]\n"
                   "                          [--no-defaults] [KEY=VALUE...]\n"
                   "       muse-hostile memread|memwrite DEVICE OFFSET LENGTH\n"
                   "       muse-hostile isbad|markbad DEVICE OFFSET\n"
                   "cases:");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    fprintf (stderr, " %s", cases[i].name);
  fprintf (stderr, "\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  static const char *const defaults[] = {
    "NAME=hostile", "TYPE=MTD_NANDFLASH", "FLAGS=1024", "SIZE=4194304", "WRITESIZE=2048",
    "ERASESIZE=131072", "OOBSIZE=64", "OOBAVAIL=32", "ECCSTRENGTH=4", "ECCSTEP=512",
    "BITFLIPTHRESHOLD=3",
  };
  struct server s = { .hc = &cases[0], .max_read = 32 * (2048 + 64), .max_write = 32 * (2048 + 64) };
  bool use_defaults = true;
  int i;

  setvbuf (stdout, NULL, _IOLBF, 0);
  setvbuf (stderr, NULL, _IOLBF, 0);
  if (argc < 2)
    usage ();
  if (!strcmp (argv[1], "memread") && argc == 5)
    return memread (argv[2], strtoull (argv[3], NULL, 0), strtoull (argv[4], NULL, 0));
  if (!strcmp (argv[1], "memwrite") && argc == 5)
    return memwrite (argv[2], strtoull (argv[3], NULL, 0), strtoull (argv[4], NULL, 0));
  if (!strcmp (argv[1], "isbad") && argc == 4)
    return block_call (argv[2], MEMGETBADBLOCK, strtoull (argv[3], NULL, 0));
  if (!strcmp (argv[1], "markbad") && argc == 4)
    return block_call (argv[2], MEMSETBADBLOCK, strtoull (argv[3], NULL, 0));
  if (strcmp (argv[1], "serve"))
    usage ();

  for (i = 2; i < argc && !strncmp (argv[i], "--", 2); i++)
    {
      if (!strcmp (argv[i], "--no-defaults"))
        use_defaults = false;
      else if (!strcmp (argv[i], "--poll"))
        s.poll = true;
      else if (i + 1 == argc)
        usage ();
      else if (!strcmp (argv[i], "--max-read"))
        s.max_read = strtoul (argv[++i], NULL, 0);
      else if (!strcmp (argv[i], "--max-write"))
        s.max_write = strtoul (argv[++i], NULL, 0);
      else if (!strcmp (argv[i], "--iovecs"))
        {
          s.iovecs = atoi (argv[++i]);
          if (s.iovecs < 0 || s.iovecs > IOV_MAX)
            usage ();
        }
      else if (!strcmp (argv[i], "--case"))
        {
          const char *name = argv[++i];

          s.hc = NULL;
          for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
            if (!strcmp (cases[c].name, name))
              s.hc = &cases[c];
          if (!s.hc)
            usage ();
        }
      else
        usage ();
    }
  if (use_defaults)
    for (size_t d = 0; d < sizeof defaults / sizeof defaults[0]; d++)
      add_string (&s, defaults[d]);
  for (; i < argc; i++)
    add_string (&s, argv[i]);
  setup_store (&s);
  return serve (&s);
}
