/*
 * Copyright (c) 2026 The nearmiss authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * nm-slowclients: a slow-header attack on an HTTP server, for the tests
 * and the bench.  Holds N connections, each sending a request line and
 * then one header byte every few seconds, from a range of 127.0.0.0/8
 * source addresses; re-opens a connection when the server closes it.
 * At the end prints how many were opened and closed and how long the
 * closed ones had lived.
 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REQ_LINE	"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "

struct sc {
	int		 fd;
	int		 connected;
	double		 opened;	/* when the connection was opened */
	double		 next;		/* when the next byte is due */
	size_t		 sent;		/* bytes of REQ_LINE sent */
};

static double	 now(void);
static void	 usage(void);
static int	 sc_open(struct sc *, const struct sockaddr_in *, uint32_t);
static int	 cmp_double(const void *, const void *);

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: nm-slowclients [-n conns] [-t seconds] "
	    "[-i interval] [-s sources] [-b first-source] port\n");
	exit(2);
}

/* Opens a non-blocking connection from source src (host order). */
static int
sc_open(struct sc *c, const struct sockaddr_in *to, uint32_t src)
{
	struct sockaddr_in	 from;
	int			 on = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (c->fd == -1)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_addr.s_addr = htonl(src);
	if (bind(c->fd, (const struct sockaddr *)&from, sizeof(from)) == -1 ||
	    (connect(c->fd, (const struct sockaddr *)to, sizeof(*to)) == -1 &&
	    errno != EINPROGRESS)) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->connected = 0;
	c->sent = 0;
	c->opened = now();
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 ev, evs[256];
	struct sockaddr_in	 to;
	struct rlimit		 rl;
	struct sc		*c;
	struct in_addr		 first;
	double			 t0, end, interval = 3.0, *life = NULL, t;
	size_t			 n = 100, i, nsrc = 100, nlife = 0, lifecap = 0;
	unsigned long		 opened = 0, closed = 0, failed = 0;
	long			 secs = 10, open_now;
	char			 buf[4096];
	ssize_t			 w;
	int			 ch, ep, k, nev, port;

	inet_pton(AF_INET, "127.1.0.1", &first);
	while ((ch = getopt(argc, argv, "n:t:i:s:b:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtol(optarg, NULL, 10);
			break;
		case 'i':
			interval = strtod(optarg, NULL);
			break;
		case 's':
			nsrc = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			if (inet_pton(AF_INET, optarg, &first) != 1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || n == 0 || nsrc == 0 || secs <= 0 ||
	    interval <= 0)
		usage();
	port = atoi(argv[optind]);
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 64) {
		rl.rlim_cur = rl.rlim_max < n + 64 ? rl.rlim_max : n + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((c = calloc(n, sizeof(*c))) == NULL)
		err(1, NULL);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	srand((unsigned)getpid());
	t0 = now();
	end = t0 + (double)secs;
	for (i = 0; i < n; i++)
		c[i].fd = -1;
	while ((t = now()) < end) {
		/* (Re)open what is closed, spreading the first bytes. */
		for (i = 0; i < n; i++) {
			if (c[i].fd != -1)
				continue;
			if (sc_open(&c[i], &to, ntohl(first.s_addr) +
			    (uint32_t)(i % nsrc)) == -1) {
				failed++;
				continue;
			}
			opened++;
			c[i].next = t + interval * (double)rand() /
			    (double)RAND_MAX;
			ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
			ev.data.u64 = i;
			if (epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev) == -1)
				err(1, "epoll_ctl");
		}
		nev = epoll_wait(ep, evs, (int)(sizeof(evs) / sizeof(evs[0])),
		    100);
		for (k = 0; k < nev; k++) {
			i = evs[k].data.u64;
			if (c[i].fd == -1)
				continue;
			if (evs[k].events & EPOLLOUT && !c[i].connected) {
				c[i].connected = 1;
				ev.events = EPOLLIN | EPOLLRDHUP;
				ev.data.u64 = i;
				epoll_ctl(ep, EPOLL_CTL_MOD, c[i].fd, &ev);
			}
			if (evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
			    EPOLLERR)) {
				if (read(c[i].fd, buf, sizeof(buf)) > 0 &&
				    !(evs[k].events & (EPOLLRDHUP | EPOLLHUP |
				    EPOLLERR)))
					continue;
				if (nlife == lifecap) {
					lifecap = lifecap ? 2 * lifecap : 1024;
					life = realloc(life, lifecap *
					    sizeof(*life));
					if (life == NULL)
						err(1, NULL);
				}
				life[nlife++] = now() - c[i].opened;
				closed++;
				close(c[i].fd);
				c[i].fd = -1;
			}
		}
		/* One byte each that is due: the request line, then 'a'. */
		t = now();
		for (i = 0; i < n; i++) {
			if (c[i].fd == -1 || !c[i].connected || c[i].next > t)
				continue;
			if (c[i].sent == 0) {
				w = write(c[i].fd, REQ_LINE,
				    sizeof(REQ_LINE) - 1);
				if (w > 0)
					c[i].sent = (size_t)w;
			} else if ((w = write(c[i].fd, "a", 1)) > 0)
				c[i].sent++;
			c[i].next = t + interval;
		}
	}
	open_now = 0;
	for (i = 0; i < n; i++)
		if (c[i].fd != -1) {
			open_now++;
			close(c[i].fd);
		}
	if (nlife > 0)
		qsort(life, nlife, sizeof(*life), cmp_double);
	printf("slowclients: opened %lu, closed by the server %lu, "
	    "open at the end %ld, failed to open %lu; lifetime of closed "
	    "ones min %.1f s, median %.1f s, max %.1f s\n", opened, closed,
	    open_now, failed, nlife ? life[0] : 0.0,
	    nlife ? life[nlife / 2] : 0.0, nlife ? life[nlife - 1] : 0.0);
	free(life);
	free(c);
	close(ep);
	return 0;
}
