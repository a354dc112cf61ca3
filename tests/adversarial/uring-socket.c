/*
 * uring-socket.c - test-only (bypass.sh): uring-socket DOMAIN TYPE makes a
 * socket through io_uring (IORING_OP_SOCKET, Linux 5.19+), which never
 * calls socket(2), then one with socket(2). Prints
 * "uring=ok|ERRNO-TEXT socket=ok|ERRNO-TEXT" ("uring=setup: ..." when
 * io_uring_setup itself is refused); exits 0 when the io_uring one was made.
 * With HGT_URING_EARLY set, the ring is made in the program's preinit
 * function, which runs before every library's constructor, hardgate's
 * preload's included: what a filter loaded later meets is io_uring_enter
 * on a ring that is already there.
 */
#include "config.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The ring made before any constructor ran (HGT_URING_EARLY), or -1. */
static int early_fd = -1;
static struct io_uring_params early_p;

static void
early_ring(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	for (char **e = envp; *e; e++)
		if (strncmp(*e, "HGT_URING_EARLY=", 16) == 0)
			early_fd = (int)syscall(__NR_io_uring_setup, 4, &early_p);
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit)(int, char **,
									 char **) = early_ring;

static int
uring_socket(int domain, int type, char *why, size_t n)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned *tail, *mask, *array, *chead, *cmask, t, i;
	size_t sqsz, cqsz;
	char *sq, *cq;
	int fd, res;

	memset(&p, 0, sizeof(p));
	if (early_fd >= 0) {
		fd = early_fd;
		p = early_p;
	} else if ((fd = (int)syscall(__NR_io_uring_setup, 4, &p)) < 0) {
		snprintf(why, n, "setup: %s", strerror(errno));
		return -1;
	}
	sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sqsz = cqsz = sqsz > cqsz ? sqsz : cqsz;
	sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	cq = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq :
	     mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		snprintf(why, n, "mmap: %s", strerror(errno));
		res = -1;
		goto out;
	}
	tail = (unsigned *)(sq + p.sq_off.tail);
	mask = (unsigned *)(sq + p.sq_off.ring_mask);
	array = (unsigned *)(sq + p.sq_off.array);
	t = *tail;
	i = t & *mask;
	memset(&sqes[i], 0, sizeof(sqes[i]));
	sqes[i].opcode = IORING_OP_SOCKET;
	sqes[i].fd = domain;
	sqes[i].off = (unsigned)type;
	array[i] = i;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		snprintf(why, n, "enter: %s", strerror(errno));
		res = -1;
		goto out;
	}
	chead = (unsigned *)(cq + p.cq_off.head);
	cmask = (unsigned *)(cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	res = cqes[*chead & *cmask].res;
	snprintf(why, n, "%s", res >= 0 ? "ok" : strerror(-res));
	if (res >= 0)
		close(res);
out:
	if (sqes != MAP_FAILED)
		munmap(sqes, p.sq_entries * sizeof(*sqes));
	if (cq != MAP_FAILED && cq != sq)
		munmap(cq, cqsz);
	if (sq != MAP_FAILED)
		munmap(sq, sqsz);
	close(fd);
	return res;
}

int
main(int argc, char **argv)
{
	char why[128];
	int r, s;

	if (argc != 3)
		return 64;
	r = uring_socket(atoi(argv[1]), atoi(argv[2]), why, sizeof(why));
	s = socket(atoi(argv[1]), atoi(argv[2]), 0);
	printf("uring=%s socket=%s\n", why, s >= 0 ? "ok" : strerror(errno));
	if (s >= 0)
		close(s);
	return r >= 0 ? 0 : 1;
}
