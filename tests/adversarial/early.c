/*
 * early.c - test-only: a library whose constructor runs before hardgate's
 * preload (bypass.sh). ld.so runs the constructors of objects that do not
 * depend on each other in reverse load order, so a library the program
 * links, or one listed after hardgate's in LD_PRELOAD, runs first. With
 * HGT_EARLY_DIR set, in a process that is not root (the service, not
 * hardgate exec), it forks a child, once, that waits until the program's own
 * process is gone and then copies its /proc/self/status to
 * HGT_EARLY_DIR/early-child: the controls that child holds.
 * With HGT_EARLY_WINDOW set to a path (not root, once), it creates that
 * file and waits up to 10 s for it to go: the window between execve and
 * hardgate's constructor held open for a test to look into.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
hold_window(void)
{
	const char *w = getenv("HGT_EARLY_WINDOW");
	int fd;

	if (w == NULL || geteuid() == 0 || (fd = open(w, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
		return;
	close(fd);
	unsetenv("HGT_EARLY_WINDOW");
	for (int i = 0; i < 1000 && access(w, F_OK) == 0; i++)
		usleep(10000);
}

__attribute__((constructor)) static void
hgt_early(void)
{
	const char *dir = getenv("HGT_EARLY_DIR");
	pid_t parent = getpid();
	char tmp[4096], path[4096], buf[8192];
	ssize_t n;
	int in, out;

	hold_window();
	if (dir == NULL || geteuid() == 0)
		return;
	if (fork() != 0) {
		unsetenv("HGT_EARLY_DIR");	/* once: not again in the program's children */
		return;
	}
	for (int i = 0; i < 500 && getppid() == parent; i++)
		usleep(10000);
	snprintf(tmp, sizeof(tmp), "%s/early-child.tmp", dir);
	snprintf(path, sizeof(path), "%s/early-child", dir);
	if ((in = open("/proc/self/status", O_RDONLY)) < 0 ||
	    (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		_exit(1);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			_exit(1);
	close(out);
	rename(tmp, path);
	_exit(0);
}
