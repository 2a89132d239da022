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
 * The thread pool of the build: workers take item indexes from a shared
 * counter, the thread that started the phase shows "what done/n" on a
 * terminal, and lap() gives the phase timings of -v.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "build.h"

long
lap(struct timespec *t0)
{
	struct timespec	 now;
	long		 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
	*t0 = now;
	return ms;
}

/* Shows progress at most every 200 ms, or now (and ends the line). */
static void
progress(struct pool *p, int force)
{
	struct timespec	 now;
	size_t		 done = atomic_load(&p->done);

	if (!p->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec - p->last.tv_sec) * 1000 +
	    (now.tv_nsec - p->last.tv_nsec) / 1000000 < 200)
		return;
	p->last = now;
	fprintf(stderr, "\r%s %zu/%zu%s", p->what, done, p->n,
	    force ? "\n" : "");
}

void
pool_init(struct pool *p, size_t n, const char *what, int prog)
{
	memset(p, 0, sizeof(*p));
	atomic_init(&p->next, 0);
	atomic_init(&p->done, 0);
	p->n = n;
	p->what = what;
	p->progress = prog && n > 500;
	p->owner = pthread_self();
	pthread_mutex_init(&p->lock, NULL);
}

void
pool_run(int jobs, void *(*fn)(void *), void *arg)
{
	pthread_t	 t[JOBS_MAX];
	int		 i, started = 0;

	for (i = 1; i < jobs && i < JOBS_MAX; i++) {
		if (pthread_create(&t[i], NULL, fn, arg) != 0)
			break;
		started = i;
	}
	fn(arg);
	for (i = 1; i <= started; i++)
		pthread_join(t[i], NULL);
}

void
bg_start(struct bgtask *b, int jobs, void *(*fn)(void *), void *arg)
{
	b->running = jobs > 1 &&
	    pthread_create(&b->thread, NULL, fn, arg) == 0;
	if (!b->running)
		fn(arg);
}

void
bg_join(struct bgtask *b)
{
	if (b->running) {
		pthread_join(b->thread, NULL);
		b->running = 0;
	}
}

void
pool_fail(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->failed = 1;
	pthread_mutex_unlock(&p->lock);
}

void
pool_step(struct pool *p)
{
	atomic_fetch_add(&p->done, 1);
	if (p->progress && pthread_equal(pthread_self(), p->owner))
		progress(p, 0);
}

void
pool_end(struct pool *p)
{
	progress(p, 1);
	pthread_mutex_destroy(&p->lock);
}
