/*
 * hello-server.c - the smallest server using hardgate's plugin API: it runs
 * its policy (service "hello-server") before it listens, and exits with
 * hardgate's status when refused. Build against the installed library:
 *
 *	cc -o hello-server hello-server.c $(pkg-config --cflags --libs hardgate)
 *	./hello-server 8080	# answers "hello" on 127.0.0.1:8080
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hardgate/hardgate.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct hg_decision *d;
	int fd, c;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 64;
	}
	/* Before any listener or secret: refused means exit, nothing else. */
	d = hg_enforce("hello-server", HG_PHASE_START);
	if (!hg_decision_allowed(d)) {
		int st = hg_decision_status(d);

		hg_decision_write(d, stderr, 0);
		hg_decision_free(d);
		return st;
	}
	hg_decision_free(d);

	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		perror("hello-server");
		return 1;
	}
	while ((c = accept(fd, NULL, NULL)) >= 0) {
		if (write(c, "hello\n", 6) != 6)
			perror("hello-server: write");
		close(c);
	}
	return 0;
}
