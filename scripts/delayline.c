/*
 * delayline: a userspace WAN emulator for kernels without netem.
 *
 * It opens a TUN device, reads every IP packet the kernel routes into it, holds each for a fixed
 * one-way delay (optionally dropping a fraction at random), and writes it back into the same device,
 * where the kernel routes it on. With policy routing by input interface (see wanlab.sh), every packet
 * crossing a router namespace passes through it once, in each direction.
 *
 *   delayline TUNNAME DELAY_MS [LOSS_PERCENT]
 *
 * Rate limits are the kernel's job (tbf on the router's egress veths). Queue: up to 262144 packets
 * (about 390 MB at 1500 bytes); beyond that packets are dropped and counted. Statistics on SIGUSR1
 * and at exit go to stderr.
 *
 * Copied into the repository (issue 57) from the lab tools beside the clone, shared/tools/delayline.c,
 * unchanged but for this paragraph, so that a clone has what its own scripts run (scripts/wanstar.sh,
 * scripts/wanlab.sh, the lab tests). The original carries no licence text of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 262144u
#define MAXPKT 2048

struct slot { uint64_t due_ns; uint16_t len; unsigned char data[MAXPKT]; };

static volatile sig_atomic_t stop, report;
static void on_stop(int s) { (void)s; stop = 1; }
static void on_report(int s) { (void)s; report = 1; }

static uint64_t now_ns(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: delayline TUNNAME DELAY_MS [LOSS_PERCENT]\n"); return 2; }
    uint64_t delay = (uint64_t)(atof(argv[2]) * 1e6);
    double loss = argc > 3 ? atof(argv[3]) / 100.0 : 0.0;
    int fd = open("/dev/net/tun", O_RDWR);
    if (fd < 0) { perror("open /dev/net/tun"); return 1; }
    struct ifreq ifr; memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); return 1; }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    struct slot *ring = calloc(SLOTS, sizeof *ring);
    if (!ring) { perror("calloc"); return 1; }
    signal(SIGTERM, on_stop); signal(SIGINT, on_stop); signal(SIGUSR1, on_report);
    srand48((long)now_ns());
    uint64_t head = 0, tail = 0, in = 0, out = 0, dropped_loss = 0, dropped_full = 0;
    while (!stop) {
        if (report) { report = 0; fprintf(stderr, "delayline: in %lu out %lu lost %lu full %lu queued %lu\n",
            (unsigned long)in, (unsigned long)out, (unsigned long)dropped_loss, (unsigned long)dropped_full, (unsigned long)(tail - head)); }
        uint64_t t = now_ns();
        while (head < tail && ring[head % SLOTS].due_ns <= t) {   /* release what is due */
            struct slot *s = &ring[head % SLOTS];
            if (write(fd, s->data, s->len) < 0 && errno == EAGAIN) break;
            head++; out++;
        }
        int timeout_ms = -1;
        if (head < tail) {
            uint64_t due = ring[head % SLOTS].due_ns;
            timeout_ms = due > t ? (int)((due - t + 999999) / 1000000) : 0;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (timeout_ms != 0 && poll(&p, 1, timeout_ms) < 0 && errno != EINTR) { perror("poll"); break; }
        for (int i = 0; i < 256; i++) {                             /* take what arrived */
            if (tail - head >= SLOTS) {
                unsigned char scratch[MAXPKT];
                if (read(fd, scratch, sizeof scratch) <= 0) break;
                dropped_full++; in++; continue;
            }
            struct slot *s = &ring[tail % SLOTS];
            ssize_t n = read(fd, s->data, MAXPKT);
            if (n <= 0) break;
            in++;
            if (loss > 0 && drand48() < loss) { dropped_loss++; continue; }
            s->len = (uint16_t)n; s->due_ns = now_ns() + delay; tail++;
        }
    }
    fprintf(stderr, "delayline: in %lu out %lu lost %lu full %lu\n",
        (unsigned long)in, (unsigned long)out, (unsigned long)dropped_loss, (unsigned long)dropped_full);
    return 0;
}
